import type { Db } from "../../storage/db.ts";

/** Whether the database is in strict mode (`init --require-tokens`). */
export async function requiresTokens(db: Db): Promise<boolean> {
  return await db.get("SELECT 1 FROM access_control WHERE singleton = 1") !== undefined;
}
