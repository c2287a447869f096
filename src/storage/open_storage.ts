import type { Db } from "./db.ts";
import { openSqlite } from "./sqlite/open_sqlite.ts";

export interface OpenStorageOptions {
  /** Create the store and apply migrations (`init`). Default: false. */
  init?: boolean;
}

/** A `--db` value naming a PostgreSQL server rather than a SQLite file. */
export function isPostgresUrl(target: string): boolean {
  return /^postgres(ql)?:\/\//i.test(target);
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
