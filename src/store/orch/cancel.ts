import { AppError } from "../../protocol/errors.ts";
import { sqlFor } from "../../storage/sql_fragments.ts";
import { appendEvent } from "../append_event.ts";
import { ACTIVE_TASK_STATUSES, type Run, type Task } from "../orch_types.ts";
import { isFinal, isSettled } from "../orch_rules.ts";
import { cancelAttempt } from "./cancel_attempt.ts";
import { nowIso, type OrchContext } from "./context.ts";
import { getRun } from "./get_run.ts";
import { getTask } from "./get_task.ts";
import { latestAttempt } from "./latest_attempt.ts";
import { listTasks } from "./list_tasks.ts";
import { reconcileInTx } from "./reconcile_in_tx.ts";
import { requireActiveRun } from "./require_active_run.ts";
import { maybeCompleteRun } from "./run_completion.ts";
import { setTaskStatus } from "./set_task_status.ts";
import { waitingSql } from "./rules_sql.ts";

/** What a cancel did. */
export interface CancelResult {
  run: Run;
  cancelled_tasks: string[];
  cancelled_threads: number[];
}

/** Cancels one task (its live attempt and thread) or, without a task, the whole run. */
export async function cancel(
  ctx: OrchContext,
  input: { runId: string; taskId?: string; reason?: string },
): Promise<CancelResult> {
  return await ctx.db.write(async () => {
    await reconcileInTx(ctx, input.runId);
    const run = await getRun(ctx, input.runId);
    const now = nowIso(ctx);
    const reason = input.reason ?? "Cancelled by the leader";
    const cancelledTasks: string[] = [];
    const cancelledThreads: number[] = [];
    const cancelTask = async (task: Task, why = reason) => {
      const attempt = await latestAttempt(ctx, input.runId, task.id);
      if (attempt && ACTIVE_TASK_STATUSES.includes(attempt.status)) {
        await cancelAttempt(ctx, attempt, why);
        cancelledThreads.push(attempt.thread_id);
      }
      await setTaskStatus(ctx, { runId: input.runId, taskId: task.id, status: "cancelled", now });
      await appendEvent(ctx.db, {
        ts: now,
        type: "task_cancelled",
        runId: input.runId,
        taskId: task.id,
        threadId: attempt?.thread_id ?? null,
        payload: { from_status: task.status, reason: why, attempt_id: attempt?.id ?? null },
      });
      cancelledTasks.push(task.id);
    };
    if (input.taskId !== undefined) {
      requireActiveRun(run);
      const task = await getTask(ctx, input.runId, input.taskId);
      // A failed task still waits for the leader (retry, reassign or give
      // up): cancelling it is how to give up, and lets the run complete.
      if (isSettled(task.status)) {
        throw new AppError("INVALID_STATE", `Task "${task.id}" is already ${task.status}`, {
          run_id: input.runId,
          task_id: task.id,
          status: task.status,
        });
      }
      await cancelTask(task);
      // A pending task waiting on a cancelled one can never become ready:
      // cancel those too (transitively), so the run can still complete.
      const queue = [task.id];
      while (queue.length) {
        const id = queue.shift()!;
        for (
          const r of await ctx.db.all(
            `SELECT t.id FROM deps d ${sqlFor(ctx.db.dialect).orderedJoin} tasks t
               ON t.run_id = d.run_id AND t.id = d.task_id
             WHERE d.run_id = ? AND d.depends_on = ? AND ${waitingSql("t.status")} ORDER BY t.seq`,
            input.runId,
            id,
          )
        ) {
          await cancelTask(
            await getTask(ctx, input.runId, String(r["id"])),
            `Dependency "${id}" was cancelled`,
          );
          queue.push(String(r["id"]));
        }
      }
      await maybeCompleteRun(ctx.db, input.runId, now);
    } else {
      if (run.status !== "active") {
        throw new AppError("INVALID_STATE", `Run "${run.id}" is already ${run.status}`, {
          run_id: run.id,
          status: run.status,
        });
      }
      for (const task of await listTasks(ctx, input.runId)) {
        if (!isFinal(task.status)) await cancelTask(task);
      }
      await ctx.db.run(
        "UPDATE runs SET status = 'cancelled', updated_at = ? WHERE id = ?",
        now,
        run.id,
      );
      await appendEvent(ctx.db, {
        ts: now,
        type: "run_cancelled",
        runId: run.id,
        payload: { reason, cancelled_tasks: cancelledTasks },
      });
    }
    return {
      run: await getRun(ctx, input.runId),
      cancelled_tasks: cancelledTasks,
      cancelled_threads: cancelledThreads,
    };
  });
}
