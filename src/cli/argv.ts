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

/** The route `word` names under `target` (a route map), or undefined. */
export function routeNamed<R extends RouteLike>(target: R, word: string): R | undefined {
  return target.getAllEntries?.().find((e) => Object.values(e.name).includes(word))
    ?.target as R | undefined;
}

/**
 * A token stricli would read as a long flag (`--name` or `--name=value`, one
 * line): such a token is never taken silently as another flag's value.
 */
const _LONG_FLAG = /^--[a-z][a-z-.\d_]+(=.+)?$/i;
/** Characters JavaScript's `.` does not match: stricli's `--name=value` pattern stops at them. */
const _LINE_BREAK = /[\n\r\u2028\u2029]/;

/** The global flags that take a value, and what that value is (for the error when it is missing). */
const _GLOBAL_VALUE_FLAGS = {
  db: "the path of the shared database",
  token: "the capability token",
} as const;
type GlobalValueFlag = keyof typeof _GLOBAL_VALUE_FLAGS;
const _GLOBAL_VALUE_NAMES = Object.keys(_GLOBAL_VALUE_FLAGS) as GlobalValueFlag[];

/**
 * The global flag that takes a value at `argv[i]`, spaced (`--db PATH`: the value is the next
 * word, if any) or joined (`--db=PATH`); undefined for any other word.
 */
function _globalValueFlag(
  argv: readonly string[],
  i: number,
): { flag: GlobalValueFlag; value: string | undefined; joined: boolean } | undefined {
  const a = argv[i]!;
  for (const flag of _GLOBAL_VALUE_NAMES) {
    if (a === `--${flag}`) return { flag, value: argv[i + 1], joined: false };
    if (a.startsWith(`--${flag}=`)) return { flag, value: a.slice(flag.length + 3), joined: true };
  }
  return undefined;
}

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
    const g = _globalValueFlag(argv, i);
    if (a === "--json") {
      global.json = true;
    } else if (g) {
      if (g.value === undefined || g.value === "") {
        throw new AppError(
          "USAGE",
          `Flag --${g.flag} needs a value: ${_GLOBAL_VALUE_FLAGS[g.flag]}`,
        );
      }
      if (!g.joined) {
        _refuseFlagAsValue(g.flag, g.value);
        i++;
      }
      if (global[g.flag] !== undefined) {
        // Which one was meant is anyone's guess: the last one silently winning could switch
        // databases (or identities) without a word.
        throw new AppError("USAGE", `Flag --${g.flag} is given twice: give it once`, {
          reason: "flag_repeated",
          flag: `--${g.flag}`,
        });
      }
      global[g.flag] = g.value;
    } else if (target?.getAllEntries && !a.startsWith("-")) {
      // Still on the command path: follow it into the route map.
      target = routeNamed(target, a);
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
    const g = _globalValueFlag(argv, i);
    if (g) i += g.joined ? 0 : 1;
    else if (a === "--json") continue;
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
