/** Tells a PostgreSQL store's URL from a SQLite file path, without loading any driver. */

/** `postgres://` or `postgresql://` (any case): a PostgreSQL store; anything else is a file path. */
export function isPostgresUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//i.test(db);
}
