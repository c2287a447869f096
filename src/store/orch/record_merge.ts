/**
 * Writing what `orch merge` did, in one transaction after the target branch
 * moved (or did not need to): merged tasks with their merge commit, left-out
 * tasks with the reason, events for `orch wait`, the run's merge target, and
 * the run's completion (or reopening, when work was left out).
 */
import type { Db } from "../../storage/db.ts";
import { appendEvent } from "../append_event.ts";
import { iso } from "../clock.ts";
import type { OrchContext } from "./context.ts";
import type { MergeStatus } from "../orch_types.ts";
import { maybeCompleteRun } from "./run_completion.ts";
import { getRun } from "./get_run.ts";

/** A task the merge integrated. */
export interface MergedTask {
  task_id: string;
  attempt_id: number;
  /** The commit on the target that holds the task's work. */
  commit: string;
  /** The task's work was already in the target: no new commit. */
  already_contained: boolean;
}

/** A task the merge left out. */
export interface LeftOutTask {
  task_id: string;
  attempt_id: number;
  status: Exclude<MergeStatus, "merged">;
  detail: Record<string, unknown>;
}

/** The event written for each left-out status. */
export const LEFT_OUT_EVENTS: Record<LeftOutTask["status"], string> = {
  merge_conflict: "merge_conflict",
  check_failed: "check_failed",
  dependency_left_out: "merge_blocked",
};

/**
 * Records the outcome. Each attempt is re-checked (still its task's latest,
 * still accepted); one that changed meanwhile is not written. Returns the
 * ids of the events written.
 */
export async function recordMerge(store: OrchContext, input: {
  runId: string;
  into: string;
  from: string;
  to: string;
  merged: readonly MergedTask[];
  leftOut: readonly LeftOutTask[];
}): Promise<number[]> {
  return await store.db.write(async () => {
    const db = store.db;
    const now = iso(store.clock.now());
    const events: number[] = [];
    const current = async (
      attemptId: number,
      taskId: string,
    ): Promise<{ thread_id: number } | undefined> => {
      const r = await db.get(
        `SELECT a.thread_id FROM attempts a WHERE a.id = ? AND a.run_id = ? AND a.task_id = ?
           AND a.result = 'accepted'
           AND a.n = (SELECT MAX(n) FROM attempts b WHERE b.run_id = a.run_id AND b.task_id = a.task_id)`,
        attemptId,
        input.runId,
        taskId,
      );
      return r ? { thread_id: Number(r["thread_id"]) } : undefined;
    };
    for (const m of input.merged) {
      const a = await current(m.attempt_id, m.task_id);
      if (!a) continue;
      await _set(db, m.attempt_id, "merged", m.commit, input.into, null, now);
      events.push(
        await appendEvent(db, {
          ts: now,
          type: "task_merged",
          runId: input.runId,
          taskId: m.task_id,
          threadId: a.thread_id,
          payload: {
            attempt_id: m.attempt_id,
            into: input.into,
            merge_commit: m.commit,
            already_contained: m.already_contained,
          },
        }),
      );
    }
    for (const l of input.leftOut) {
      const a = await current(l.attempt_id, l.task_id);
      if (!a) continue;
      await _set(db, l.attempt_id, l.status, null, input.into, l.detail, now);
      events.push(
        await appendEvent(db, {
          ts: now,
          type: LEFT_OUT_EVENTS[l.status],
          runId: input.runId,
          taskId: l.task_id,
          threadId: a.thread_id,
          payload: { attempt_id: l.attempt_id, into: input.into, ...l.detail },
        }),
      );
    }
    await db.run(
      "UPDATE runs SET merge_target = ?, updated_at = ? WHERE id = ?",
      input.into,
      now,
      input.runId,
    );
    events.push(
      await appendEvent(db, {
        ts: now,
        type: "merge_completed",
        runId: input.runId,
        payload: {
          into: input.into,
          from: input.from,
          to: input.to,
          merged: input.merged.map((m) => m.task_id),
          left_out: input.leftOut.map((l) => l.task_id),
        },
      }),
    );
    const run = await getRun(store, input.runId);
    if (input.leftOut.length > 0 && run.status === "completed") {
      // Accepted work is not integrated: the run is not finished.
      await db.run("UPDATE runs SET status = 'active', updated_at = ? WHERE id = ?", now, run.id);
      events.push(
        await appendEvent(db, {
          ts: now,
          type: "run_reopened",
          runId: run.id,
          payload: {
            reason: `merge into "${input.into}" left out ${input.leftOut.length} task(s)`,
          },
        }),
      );
    }
    await maybeCompleteRun(db, input.runId, now);
    return events;
  });
}

async function _set(
  db: Db,
  attemptId: number,
  status: MergeStatus,
  commit: string | null,
  into: string,
  detail: Record<string, unknown> | null,
  now: string,
): Promise<void> {
  await db.run(
    `UPDATE attempts SET merge_status = ?, merge_commit = ?, merged_into = ?, merge_detail = ?,
       merged_at = ?, updated_at = ? WHERE id = ?`,
    status,
    commit,
    into,
    detail === null ? null : JSON.stringify(detail),
    now,
    now,
    attemptId,
  );
}
