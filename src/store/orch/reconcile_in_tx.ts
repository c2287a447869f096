import { appendEvent, eventFromRow } from "../append_event.ts";
import type { AttemptInspection } from "../orch_types.ts";
import { foldThreadEvent } from "../orch_rules.ts";
import { applyAcceptance } from "./accept_attempt.ts";
import { afterTaskDone } from "./after_task_done.ts";
import { ATTEMPT_SELECT, ATTEMPT_STALE_COLUMNS, attemptFromRow } from "./attempt_row.ts";
import { nowIso, type OrchContext } from "./context.ts";
import { getRun } from "./get_run.ts";
import { getTask } from "./get_task.ts";
import { latestAttempt } from "./latest_attempt.ts";
import type { ReconcileResult } from "./reconcile.ts";
import { setTaskStatus } from "./set_task_status.ts";
import { workerEventFields } from "./worker_event_fields.ts";
import { newlyStaleSql } from "./rules_sql.ts";

/**
 * {@linkcode reconcile}'s work inside the caller's write transaction, with
 * the git inspections read before it (none: code results stay unsettled).
 */
export async function reconcileInTx(
  ctx: OrchContext,
  runId: string,
  inspections: ReadonlyMap<number, AttemptInspection> = new Map(),
): Promise<ReconcileResult> {
  const now = nowIso(ctx);
  const done = (r: string, t: string) => afterTaskDone(ctx, { runId: r, taskId: t, now });
  await getRun(ctx, runId);
  const cursorRow = (await ctx.db.get("SELECT reconciled_event_id FROM runs WHERE id = ?", runId))!;
  const cursor = Number(cursorRow["reconciled_event_id"]);
  const changes: ReconcileResult["changes"] = [];
  const firstEventId =
    Number((await ctx.db.get("SELECT COALESCE(MAX(id), 0) AS m FROM events"))?.["m"]) + 1;
  const threadEvents = await ctx.db.all(
    `SELECT * FROM events WHERE run_id = ? AND id > ? AND thread_id IS NOT NULL AND type LIKE 'thread_%'
     ORDER BY id`,
    runId,
    cursor,
  );
  let last = cursor;
  const handled = new Set<number>();
  for (const e of threadEvents) {
    last = Number(e["id"]);
    const attemptRow = await ctx.db.get(
      `${ATTEMPT_SELECT} WHERE a.thread_id = ?`,
      Number(e["thread_id"]),
    );
    if (!attemptRow) continue;
    const attempt = attemptFromRow(attemptRow, now);
    const latest = await latestAttempt(ctx, attempt.run_id, attempt.task_id);
    if (!latest || latest.id !== attempt.id) continue; // superseded attempt
    const payload = JSON.parse(String(e["payload"] ?? "{}")) as Record<string, unknown>;
    const fold = foldThreadEvent(attempt.status, String(e["type"]), payload);
    if (!fold) continue;
    await ctx.db.run(
      `UPDATE attempts SET status = ?, stale_at = CASE WHEN ? THEN NULL ELSE stale_at END, updated_at = ?
       WHERE id = ?`,
      fold.attempt,
      fold.clearsStale ? 1 : 0,
      now,
      attempt.id,
    );
    if (fold.attempt === attempt.status) continue;
    const task = await getTask(ctx, attempt.run_id, attempt.task_id);
    // A code attempt's `done` is only the worker's word: the task waits in
    // `verifying` until its worktree and branch are checked (accept_attempt.ts).
    const awaitsAcceptance = fold.task === "done" && attempt.execution_mode === "code" &&
      attempt.worktree_path !== null;
    const taskTo = awaitsAcceptance ? "verifying" : fold.task;
    await setTaskStatus(ctx, {
      runId: attempt.run_id,
      taskId: attempt.task_id,
      status: taskTo,
      now,
    });
    if (awaitsAcceptance && inspections.has(attempt.id)) {
      const change = await applyAcceptance(
        ctx.db,
        attempt.id,
        inspections.get(attempt.id)!,
        now,
        done,
      );
      handled.add(attempt.id);
      if (change) changes.push({ ...change, from: task.status });
      continue;
    }
    // Stamped with the time the worker acted (its thread event), not this reconcile.
    const eventId = await appendEvent(ctx.db, {
      ts: String(e["ts"]),
      type: `task_${taskTo}`,
      runId,
      taskId: attempt.task_id,
      threadId: attempt.thread_id,
      payload: {
        attempt_id: attempt.id,
        attempt_n: attempt.n,
        assigned_to: attempt.assigned_to,
        from_status: task.status,
        thread_event_id: Number(e["id"]),
        ...await workerEventFields(ctx.db, String(e["type"]), payload),
        recorded_at: now,
        ...(awaitsAcceptance ? { awaiting_acceptance: true } : {}),
      },
    });
    changes.push({
      task_id: attempt.task_id,
      attempt_id: attempt.id,
      from: task.status,
      to: taskTo,
      event_id: eventId,
    });
    if (taskTo === "done") await done(runId, attempt.task_id);
  }
  // Results read earlier for attempts already folded as done (or needing attention).
  for (const [attemptId, inspection] of inspections) {
    if (handled.has(attemptId)) continue;
    const change = await applyAcceptance(ctx.db, attemptId, inspection, now, done);
    if (change) changes.push(change);
  }
  // Dead workers: a live attempt whose lease ran out, reported once.
  for (
    const r of await ctx.db.all(
      `SELECT a.id, a.task_id, a.thread_id, a.assigned_to, a.n, t.lease_expires_at, t.claimed_by
       FROM attempts a
       JOIN threads t ON t.id = a.thread_id
       WHERE a.run_id = ? AND ${newlyStaleSql(ATTEMPT_STALE_COLUMNS, "?")}`,
      runId,
      now,
    )
  ) {
    await ctx.db.run(
      "UPDATE attempts SET stale_at = ?, updated_at = ? WHERE id = ?",
      now,
      now,
      Number(r["id"]),
    );
    // Stamped with the time the lease ran out (the worker's last sign of life plus its lease).
    await appendEvent(ctx.db, {
      ts: String(r["lease_expires_at"]),
      type: "task_stale",
      runId,
      taskId: String(r["task_id"]),
      threadId: Number(r["thread_id"]),
      payload: {
        attempt_id: Number(r["id"]),
        attempt_n: Number(r["n"]),
        assigned_to: String(r["assigned_to"]),
        holder: r["claimed_by"] == null ? null : String(r["claimed_by"]),
        lease_expired_at: String(r["lease_expires_at"]),
        recorded_at: now,
      },
    });
  }
  if (last !== cursor) {
    await ctx.db.run("UPDATE runs SET reconciled_event_id = ? WHERE id = ?", last, runId);
  }
  const events = (await ctx.db.all(
    "SELECT * FROM events WHERE run_id = ? AND id >= ? ORDER BY id",
    runId,
    firstEventId,
  ))
    .map(eventFromRow);
  return { changes, events };
}
