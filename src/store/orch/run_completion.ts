/**
 * When a run is complete: every task done or cancelled, at least one done,
 * and, once a merge was asked for (`runs.merge_target`), no accepted code
 * result left unmerged.
 */
import type { Db } from "../../storage/db.ts";
import { appendEvent } from "../append_event.ts";
import { unsettledSql } from "./rules_sql.ts";

/** Latest code attempts with an accepted result not merged into the run's merge target. */
const _UNMERGED = `SELECT COUNT(*) AS n FROM attempts a JOIN runs r ON r.id = a.run_id
  WHERE a.run_id = ? AND r.merge_target IS NOT NULL AND a.result = 'accepted'
    AND a.n = (SELECT MAX(n) FROM attempts b WHERE b.run_id = a.run_id AND b.task_id = a.task_id)
    AND NOT (a.merge_status IS NOT DISTINCT FROM 'merged'
      AND a.merged_into IS NOT DISTINCT FROM r.merge_target)
    AND EXISTS (SELECT 1 FROM tasks k WHERE k.run_id = a.run_id AND k.id = a.task_id AND k.status = 'done')`;

/** Accepted code results of the run not merged into its merge target (0 before any merge). */
export async function unmergedCount(db: Db, runId: string): Promise<number> {
  return Number((await db.get(_UNMERGED, runId))?.["n"] ?? 0);
}

/** Completes an active run that is finished (see the module doc), inside the caller's transaction. */
export async function maybeCompleteRun(db: Db, runId: string, now: string): Promise<void> {
  const open = await db.get(
    `SELECT COUNT(*) AS n FROM tasks WHERE run_id = ? AND ${unsettledSql("status")}`,
    runId,
  );
  const done = await db.get(
    "SELECT COUNT(*) AS n FROM tasks WHERE run_id = ? AND status = 'done'",
    runId,
  );
  if (Number(open?.["n"]) !== 0 || Number(done?.["n"]) === 0) return;
  if (await unmergedCount(db, runId) > 0) return;
  const changed = (await db.run(
    "UPDATE runs SET status = 'completed', updated_at = ? WHERE id = ? AND status = 'active'",
    now,
    runId,
  )).changes;
  if (changed) await appendEvent(db, { ts: now, type: "run_completed", runId, payload: {} });
}
