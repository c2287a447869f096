import type { EventRecord } from "../append_event.ts";
import type { AttemptInspection } from "../orch_types.ts";
import { attemptsToVerify, wouldChange } from "./accept_attempt.ts";
import { ATTEMPT_STALE_COLUMNS } from "./attempt_row.ts";
import { nowIso, type OrchContext } from "./context.ts";
import { getRun } from "./get_run.ts";
import { reconcileInTx } from "./reconcile_in_tx.ts";
import { newlyStaleSql } from "./rules_sql.ts";

/** What a reconcile changed: one entry per task that moved, and the events it appended. */
export interface ReconcileResult {
  changes: Array<
    { task_id: string; attempt_id: number; from: string; to: string; event_id: number }
  >;
  events: EventRecord[];
}

/**
 * Folds inbox thread events of the run (since the run's reconcile cursor)
 * into attempt and task state, appending `task_*` events; marks attempts
 * whose worker lease ran out as stale (`task_stale`, once). Idempotent: a
 * second call with no new worker writes changes nothing.
 */
export async function reconcile(ctx: OrchContext, runId: string): Promise<ReconcileResult> {
  const workspaces = ctx.workspaces;
  const quick = await ctx.db.read(async () => {
    const run = await ctx.db.get("SELECT reconciled_event_id FROM runs WHERE id = ?", runId);
    if (!run) return undefined;
    const cursor = Number(run["reconciled_event_id"]);
    const toVerify = workspaces ? await attemptsToVerify(ctx.db, runId, cursor, nowIso(ctx)) : [];
    const pending = await ctx.db.get(
      "SELECT 1 FROM events WHERE run_id = ? AND id > ? AND thread_id IS NOT NULL AND type LIKE 'thread_%' LIMIT 1",
      runId,
      cursor,
    );
    const stale = await ctx.db.get(
      `SELECT 1 FROM attempts a JOIN threads t ON t.id = a.thread_id
       WHERE a.run_id = ? AND ${newlyStaleSql(ATTEMPT_STALE_COLUMNS, "?")} LIMIT 1`,
      runId,
      nowIso(ctx),
    );
    return { pending: !!pending, stale: !!stale, toVerify };
  });
  if (quick === undefined) await getRun(ctx, runId);
  // Git reads happen here, between the read above and the write below, never
  // inside a transaction; the write re-checks what it applies them to.
  const inspections = new Map<number, AttemptInspection>();
  for (const v of quick?.toVerify ?? []) {
    let inspection: AttemptInspection;
    try {
      inspection = workspaces!.inspect(v.attempt);
    } catch {
      continue; // git failed: the attempt stays unsettled and is read again next time
    }
    if (wouldChange(v, inspection)) inspections.set(v.attempt.id, inspection);
  }
  if (!quick?.pending && !quick?.stale && inspections.size === 0) {
    return { changes: [], events: [] };
  }
  return ctx.db.write(() => reconcileInTx(ctx, runId, inspections));
}
