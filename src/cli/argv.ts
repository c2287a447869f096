import { AppError } from "../protocol/errors.ts";

/** The global flags, taken out of argv wherever they stand. */
export interface GlobalFlags {
  db: string | undefined;
  json: boolean;
  /** `--token`: a capability token (strict mode), else the program's environment variable. */
  token?: string | undefined;
}

/**
 * Pulls `--db PATH` / `--db=PATH`, `--token T` and `--json` out of argv, before or after
 * the command path (`orch --db x.db --json run init ...` and `orch run init
 * ... --db x.db` both work), and returns the rest for stricli. Anything after
 * a bare `--` is left alone.
 */
export function normalizeArgv(argv: readonly string[]): { global: GlobalFlags; rest: string[] } {
  const global: GlobalFlags = { db: undefined, json: false };
  const rest: string[] = [];
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
      global.db = v;
      i++;
    } else if (a === "--token") {
      const v = argv[i + 1];
      if (v === undefined || v === "") {
        throw new AppError("USAGE", "Flag --token needs a value: the capability token");
      }
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
    } else {
      rest.push(a);
    }
  }
  return { global, rest };
}
