import { VERSION } from "../version.ts";
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

/** A stricli route map or command, duck-typed. */
interface Route {
  brief?: string;
  parameters?: { flags?: Record<string, FlagSpec> };
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
}

/** One command in the description. */
export interface CommandDescription {
  command: string;
  brief: string;
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

const _GLOBAL_FLAGS: FlagDescription[] = [
  {
    name: "--db",
    type: "string",
    brief: "The shared database file (required by every command); anywhere on the line",
    required: true,
    repeatable: false,
  },
  {
    name: "--token",
    type: "string",
    brief:
      "A capability token (strict mode); else INBOX_TOKEN / ORCH_TOKEN from the environment; anywhere on the line",
    required: false,
    repeatable: false,
  },
  {
    name: "--json",
    type: "boolean",
    brief: "One JSON object on stdout, errors too; anywhere on the line",
    required: false,
    repeatable: false,
  },
];

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
  const def = spec.default !== undefined ? String(spec.default) : _defaultFromBrief(brief);
  if (def !== undefined) d.default = def;
  return d;
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
    const next = target.getAllEntries?.().find((e) => Object.values(e.name).includes(word));
    if (!next) return undefined;
    target = next.target;
  }
  return {
    program,
    version: VERSION,
    brief: (root as Route).brief ?? "",
    global_flags: _GLOBAL_FLAGS,
    commands: [..._commands(target, [program, ...path])],
  };
}
