import type { Db } from "../storage/db.ts";

/**
 * This database's random id, made once by migration 006 (at `init`, or on
 * the upgrade of an older file). It is part of every attempt branch and
 * worktree name, so two databases on one repository never share one.
 */
export function databaseId(db: Db): string {
  const row = db.get("SELECT id FROM database_identity WHERE singleton = 1");
  return String(row?.["id"]);
}
