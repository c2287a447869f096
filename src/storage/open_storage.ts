import type { Db } from "./db.ts";
import { openSqlite } from "./sqlite/open_sqlite.ts";
import { isPostgresUrl } from "./postgres/url.ts";

export interface OpenStorageOptions {
  /** Create the store and apply migrations (`init`). Default: false. */
  init?: boolean;
}

export { isPostgresUrl } from "./postgres/url.ts";

/** The environment variable each program reads its store from when `--db` is not given. */
export const STORE_ENV = { inbox: "INBOX_DB", orch: "ORCH_DB" } as const;

/** `--db`, else the program's store variable (`INBOX_DB` / `ORCH_DB`), else undefined. */
export function storeTarget(
  program: "inbox" | "orch",
  flag: string | undefined,
): string | undefined {
  if (flag) return flag;
  try {
    return Deno.env.get(STORE_ENV[program]) || undefined;
  } catch {
    return undefined; // not permitted: as if unset
  }
}

/**
 * Opens the shared store `--db` names: a `postgres://` / `postgresql://` URL
 * opens the PostgreSQL backend (its client is loaded only then, so SQLite
 * start-up does not pay for it); anything else is a SQLite file path.
 */
export async function openStorage(target: string, options: OpenStorageOptions = {}): Promise<Db> {
  if (isPostgresUrl(target)) {
    const { openPostgres } = await import("./postgres/open_postgres.ts");
    return await openPostgres(target, options);
  }
  return await openSqlite(target, options);
}
