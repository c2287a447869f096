import type { Db } from "../../storage/db.ts";

/** Whether the database is in strict mode (`init --require-tokens`). */
export function requiresTokens(db: Db): boolean {
  return db.get("SELECT 1 FROM access_control WHERE singleton = 1") !== undefined;
}
