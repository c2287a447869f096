import {
  type Application,
  buildApplication,
  buildRouteMap,
  type Command,
  type CommandContext,
  type RouteMap,
} from "@stricli/core";
import { VERSION } from "../version.ts";
import { CLI_TEXT } from "./cli_text.ts";

/** One top-level route of a program: a command or a route map, built when first asked for. */
export type RouteBuilder<C extends CommandContext> = () => Command<C> | RouteMap<C>;

/** A program's command surface: its name, its top-level routes, its one-line description. */
export interface AppSpec<C extends CommandContext> {
  name: "inbox" | "orch";
  routes: Readonly<Record<string, RouteBuilder<C>>>;
  brief: string;
}

/**
 * A program's stricli application, built whole or for one top-level route.
 * Building every command costs ~0.2 ms each at start-up (cold code), and a
 * command line names one: `forCommand("fetch")` builds an application whose
 * root holds only `fetch`, which stricli routes and parses exactly as the
 * whole one. Help, the version, the JSON surface and a mistyped or missing
 * command use `full()`. Each application is built once (an MCP server runs
 * a command line per tool call).
 */
export interface LazyApp<C extends CommandContext> {
  full(): Application<C>;
  /** The application for a line whose first word is `name` (the whole one if no route has it). */
  forCommand(name: string | undefined): Application<C>;
}

export function lazyApp<C extends CommandContext>(spec: AppSpec<C>): LazyApp<C> {
  const built = new Map<string, Command<C> | RouteMap<C>>();
  const route = (name: string) => {
    let target = built.get(name);
    if (!target) {
      target = spec.routes[name]!();
      built.set(name, target);
    }
    return target;
  };
  const build = (names: readonly string[]) =>
    buildApplication<C>(
      buildRouteMap({
        routes: Object.fromEntries(names.map((n) => [n, route(n)])),
        docs: { brief: spec.brief },
      }),
      {
        name: spec.name,
        scanner: { caseStyle: "allow-kebab-for-camel", allowArgumentEscapeSequence: true },
        documentation: { caseStyle: "convert-camel-to-kebab" },
        localization: { loadText: () => CLI_TEXT },
        versionInfo: { currentVersion: VERSION },
      },
    );
  let whole: Application<C> | undefined;
  const full = () => (whole ??= build(Object.keys(spec.routes)));
  const single = new Map<string, Application<C>>();
  return {
    full,
    forCommand(name) {
      if (name === undefined || !Object.hasOwn(spec.routes, name)) return full();
      let app = single.get(name);
      if (!app) {
        app = build([name]);
        single.set(name, app);
      }
      return app;
    },
  };
}
