import type { Db } from "../storage/db.ts";

/**
 * This database's random id, made once by migration 006 (at `init`, or on
 * the upgrade of an older file). It is part of every attempt branch and
 * worktree name, so two databases on one repository never share one.
 */
export async function databaseId(db: Db): Promise<string> {
  const row = await db.get("SELECT id FROM database_identity WHERE singleton = 1");
  return String(row?.["id"]);
}
