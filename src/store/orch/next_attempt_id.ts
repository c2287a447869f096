import type { Db } from "../../storage/db.ts";

/**
 * The id the next attempt gets, taken inside the caller's write transaction
 * (its thread's payload names it before the row exists; the insert then
 * gives it explicitly). Ids are never reused, also after a rollback: SQLite's
 * AUTOINCREMENT counter, PostgreSQL's identity sequence.
 */
export async function nextAttemptId(db: Db): Promise<number> {
  if (db.dialect === "postgres") {
    const r = await db.get<{ id: number }>(
      "SELECT nextval(pg_get_serial_sequence('attempts', 'id')) AS id",
    );
    return Number(r!.id);
  }
  const r = await db.get<{ seq: number }>(
    "SELECT seq FROM sqlite_sequence WHERE name = 'attempts'",
  );
  return Number(r?.seq ?? 0) + 1;
}
