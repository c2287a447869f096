import { AppError } from "../protocol/errors.ts";

/** The global flags, taken out of argv wherever they stand. */
export interface GlobalFlags {
  db: string | undefined;
  json: boolean;
  /** `--token`: a capability token (strict mode), else the program's environment variable. */
  token?: string | undefined;
}

/** What argv.ts needs to know of a stricli route map or command (duck-typed, no stricli import). */
export interface RouteLike {
  /** Present on commands: their flag specs. */
  parameters?: { flags?: Record<string, { kind: string }> };
  /** Present on route maps: their entries. */
  getAllEntries?: () => readonly {
    name: Record<string, string>;
    target: RouteLike;
  }[];
}

/**
 * A token stricli would read as a long flag (`--name` or `--name=value`, one
 * line): such a token is never taken silently as another flag's value.
 */
const _LONG_FLAG = /^--[a-z][a-z-.\d_]+(=.+)?$/i;
/** Characters JavaScript's `.` does not match: stricli's `--name=value` pattern stops at them. */
const _LINE_BREAK = /[\n\r\u2028\u2029]/;

/**
 * Pulls `--db PATH` / `--db=PATH`, `--token T` and `--json` out of argv, before or after
 * the command path (`orch --db x.db --json run init ...` and `orch run init
 * ... --db x.db` both work), and returns the rest for stricli. Anything after
 * a bare `--` is left alone.
 *
 * Given the program's route map, it also makes the value of a value-taking
 * flag a value whatever it looks like: `--reason -x` passes "-x" (as
 * `--reason=-x`, so stricli does not read it as an alias), and
 * `--body --db other.db` is refused, naming the flag and the `--body=VALUE`
 * form, instead of silently switching databases.
 *
 * The command's own flags reach stricli joined (`--agent=w3`, `--peek=true`),
 * which stricli parses exactly as the spaced forms. Its route scanner tries
 * each bare `--name` against its built-in flags (help, version) and, on a
 * miss, throws an error carrying spelling suggestions: about a millisecond a
 * flag, where a joined flag is passed over at once (see docs/decisions.md).
 */
export function normalizeArgv(
  argv: readonly string[],
  root?: RouteLike,
): { global: GlobalFlags; rest: string[] } {
  const global: GlobalFlags = { db: undefined, json: false };
  const rest: string[] = [];
  let target: RouteLike | undefined = root;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") {
      rest.push(...argv.slice(i));
      break;
    }
    if (a === "--json") {
      global.json = true;
    } else if (a === "--db") {
      const v = argv[i + 1];
      if (v === undefined || v === "") {
        throw new AppError("USAGE", "Flag --db needs a value: the path of the shared database");
      }
      _refuseFlagAsValue("db", v);
      global.db = v;
      i++;
    } else if (a === "--token") {
      const v = argv[i + 1];
      if (v === undefined || v === "") {
        throw new AppError("USAGE", "Flag --token needs a value: the capability token");
      }
      _refuseFlagAsValue("token", v);
      global.token = v;
      i++;
    } else if (a.startsWith("--token=")) {
      global.token = a.slice("--token=".length);
      if (!global.token) {
        throw new AppError("USAGE", "Flag --token needs a value: the capability token");
      }
    } else if (a.startsWith("--db=")) {
      global.db = a.slice("--db=".length);
      if (!global.db) {
        throw new AppError("USAGE", "Flag --db needs a value: the path of the shared database");
      }
    } else if (target?.getAllEntries && !a.startsWith("-")) {
      // Still on the command path: follow it into the route map.
      target = target.getAllEntries().find((e) => Object.values(e.name).includes(a))?.target;
      rest.push(a);
    } else {
      const name = a.startsWith("--") && !a.includes("=") ? _camel(a.slice(2)) : undefined;
      const spec = name !== undefined ? target?.parameters?.flags?.[name] : undefined;
      const v = argv[i + 1];
      if (spec?.kind === "boolean") {
        rest.push(`${a}=true`);
      } else if (spec && spec.kind !== "counter" && v !== undefined) {
        _refuseFlagAsValue(a.slice(2), v);
        // Joined, a value that begins with "-" is taken as a value, not as a flag or an alias.
        // stricli's `--name=value` pattern needs one line of at least one character.
        if (v !== "" && !_LINE_BREAK.test(v)) rest.push(`${a}=${v}`);
        else rest.push(a, v);
        i++;
      } else {
        rest.push(a);
      }
    }
  }
  return { global, rest };
}

/** Words that ask for the program's help or version wherever they stand. */
const _HELP_OR_VERSION = new Set(["--help", "-h", "--help-all", "-H", "--version", "-v"]);

/**
 * The command a line names: its first word once the global flags are passed
 * over (`orch --db x.db --json status ...` names "status"). Undefined when
 * the line names none, begins with another flag, or asks for help or the
 * version anywhere before a bare `--`: those need the whole command surface.
 */
export function commandWord(argv: readonly string[]): string | undefined {
  let word: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") break;
    if (_HELP_OR_VERSION.has(a)) return undefined;
    if (word !== undefined) continue;
    if (a === "--db" || a === "--token") i++;
    else if (a === "--json" || a.startsWith("--db=") || a.startsWith("--token=")) continue;
    else if (a.startsWith("-")) return undefined;
    else word = a;
  }
  return word;
}

function _refuseFlagAsValue(flag: string, value: string): void {
  if (_LONG_FLAG.test(value)) {
    throw new AppError(
      "USAGE",
      `Flag --${flag} needs a value, got the flag "${value}": to pass a value that begins with "-", write --${flag}=VALUE`,
      { flag, value },
    );
  }
}

function _camel(kebab: string): string {
  return kebab.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}
