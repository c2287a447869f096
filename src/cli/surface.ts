import { VERSION } from "../version.ts";
import { routeNamed } from "./argv.ts";
import { parserType, type ValueType } from "./parsers.ts";

/** A stricli flag spec, as much of it as the description reads. */
interface FlagSpec {
  kind: string;
  brief?: string;
  parse?: unknown;
  optional?: boolean;
  variadic?: boolean | string;
  default?: unknown;
  values?: readonly string[];
  hidden?: boolean;
}

/** A stricli positional parameter, as much of it as the description reads. */
interface PositionalSpec {
  brief?: string;
  parse?: unknown;
  placeholder?: string;
  optional?: boolean;
}

/** A stricli route map or command, duck-typed. */
interface Route {
  brief?: string;
  parameters?: {
    flags?: Record<string, FlagSpec>;
    positional?:
      | { kind: "array"; parameter: PositionalSpec; minimum?: number }
      | { kind: "tuple"; parameters: PositionalSpec[] };
  };
  getAllEntries?: () => readonly {
    name: Record<string, string>;
    target: Route;
    hidden?: boolean;
  }[];
}

/** One flag in the description. */
export interface FlagDescription extends ValueType {
  name: string;
  brief: string;
  required: boolean;
  repeatable: boolean;
  default?: string;
  /** The environment variable read when the flag is not given. */
  env?: string;
}

/** One positional argument in the description. */
export type ArgumentDescription = ValueType & {
  placeholder: string;
  brief: string;
  required: boolean;
  repeatable: boolean;
};

/** One command in the description. */
export interface CommandDescription {
  command: string;
  brief: string;
  arguments: ArgumentDescription[];
  flags: FlagDescription[];
}

/** The whole description (`--help --json`). */
export interface SurfaceDescription {
  program: "inbox" | "orch";
  version: string;
  brief: string;
  global_flags: FlagDescription[];
  commands: CommandDescription[];
}

/** The flags every command takes, with the program's own environment variables. */
function _globalFlags(program: "inbox" | "orch"): FlagDescription[] {
  const prefix = program.toUpperCase();
  return [
    {
      name: "--db",
      type: "string",
      brief:
        `The shared database file (every command needs one: this flag or ${prefix}_DB); anywhere on the line`,
      required: false,
      repeatable: false,
      env: `${prefix}_DB`,
    },
    {
      name: "--token",
      type: "string",
      brief: `A capability token (strict mode), else ${prefix}_TOKEN; anywhere on the line`,
      required: false,
      repeatable: false,
      env: `${prefix}_TOKEN`,
    },
    {
      name: "--json",
      type: "boolean",
      brief: "One JSON object on stdout, errors too; anywhere on the line",
      required: false,
      repeatable: false,
    },
  ];
}

/** Flag names as users type them. */
function _kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase());
}

/** A default written in the flag's brief as "(default X)" or "(default: X)". */
function _defaultFromBrief(brief: string): string | undefined {
  return /\(default:? ([^)]+)\)/.exec(brief)?.[1];
}

function _flag(name: string, spec: FlagSpec): FlagDescription {
  const brief = spec.brief ?? "";
  const type: ValueType = spec.kind === "boolean"
    ? { type: "boolean" }
    : spec.kind === "counter"
    ? { type: "integer", min: 0 }
    : spec.kind === "enum"
    ? { type: "enum", values: spec.values ?? [] }
    : parserType(spec.parse);
  const d: FlagDescription = {
    name: "--" + _kebab(name),
    ...type,
    brief,
    required: !spec.optional && spec.kind !== "boolean" && spec.default === undefined,
    repeatable: Boolean(spec.variadic),
  };
  // A boolean is off unless given; "(default ...)" in its brief describes that, not a value.
  const def = spec.default !== undefined
    ? String(spec.default)
    : spec.kind === "boolean"
    ? undefined
    : _defaultFromBrief(brief);
  if (def !== undefined) d.default = def;
  return d;
}

function _argument(spec: PositionalSpec, required: boolean, repeatable: boolean) {
  return {
    placeholder: spec.placeholder ?? "value",
    ...parserType(spec.parse),
    brief: spec.brief ?? "",
    required,
    repeatable,
  };
}

function _arguments(route: Route): ArgumentDescription[] {
  const p = route.parameters?.positional;
  if (!p) return [];
  if (p.kind === "array") return [_argument(p.parameter, (p.minimum ?? 0) > 0, true)];
  return p.parameters.map((a) => _argument(a, !a.optional, false));
}

function* _commands(route: Route, path: string[]): Generator<CommandDescription> {
  if (route.getAllEntries) {
    for (const e of route.getAllEntries()) {
      if (e.hidden) continue;
      const name = e.name["convert-camel-to-kebab"] ?? Object.values(e.name)[0]!;
      yield* _commands(e.target, [...path, name]);
    }
    return;
  }
  yield {
    command: path.join(" "),
    brief: route.brief ?? "",
    arguments: _arguments(route),
    flags: Object.entries(route.parameters?.flags ?? {}).filter(([, s]) => !s.hidden).map((
      [n, s],
    ) => _flag(n, s)),
  };
}

/**
 * The command surface of a program as JSON, built from its stricli route
 * map (the one source of commands, flags, types, enums and briefs):
 * `orch --json`, `orch --help --json`, or `orch task add --help --json` for
 * the commands under a path. Returns undefined when `path` names nothing.
 */
export function describeSurface(
  root: unknown,
  program: "inbox" | "orch",
  path: readonly string[] = [],
): SurfaceDescription | undefined {
  let target = root as Route;
  for (const word of path) {
    const next = routeNamed(target, word);
    if (!next) return undefined;
    target = next;
  }
  return {
    program,
    version: VERSION,
    brief: (root as Route).brief ?? "",
    global_flags: _globalFlags(program),
    commands: [..._commands(target, [program, ...path])],
  };
}
