import { AppError } from "../../protocol/errors.ts";
import { requireCodeForBaseRef } from "./require_code_for_base_ref.ts";
import type { Attempt, Task } from "../orch_types.ts";
import type { OrchContext } from "./context.ts";
import type { DispatchResult } from "./dispatch_result.ts";
import { getRun } from "./get_run.ts";
import { getTask } from "./get_task.ts";
import { latestAttempt } from "./latest_attempt.ts";
import { reconcile } from "./reconcile.ts";
import { reconcileInTx } from "./reconcile_in_tx.ts";
import { redispatch } from "./redispatch.ts";
import { requireActiveRun } from "./require_active_run.ts";
import { requireDistinctReviewer } from "./require_distinct_reviewer.ts";

/**
 * A failed task (or one whose worker went stale) gets a new attempt: same
 * mode, same worker unless `to`, and in code mode a fresh worktree from the
 * previous base unless `baseRef`.
 */
export async function retry(
  ctx: OrchContext,
  input: { runId: string; taskId: string; to?: string; body?: string; baseRef?: string },
): Promise<DispatchResult> {
  if (ctx.workspaces) await reconcile(ctx, input.runId);
  // `orch merge` left it out: the new attempt starts from the merge target with this work
  // merged in. Decided on a read first (the worktree is made before the commit transaction),
  // and checked again in it.
  const mergeFailedOf = (task: Task, prev: Attempt | null) =>
    task.status === "done" &&
    (prev?.merge?.status === "merge_conflict" || prev?.merge?.status === "check_failed");
  const seen = await ctx.db.read(async () => {
    const task = await getTask(ctx, input.runId, input.taskId);
    const prev = await latestAttempt(ctx, input.runId, input.taskId);
    return { prev, mergeFailed: mergeFailedOf(task, prev) };
  });
  const conflictMerge = seen.mergeFailed && input.baseRef === undefined
    ? {
      commit: seen.prev!.result!.head_commit!,
      message: `Merge task ${input.taskId} (attempt ${seen.prev!.n}) into ${
        seen.prev!.merge!.into
      }`,
    }
    : undefined;
  return redispatch(ctx, {
    runId: input.runId,
    taskId: input.taskId,
    to: input.to,
    body: input.body,
    baseRef: conflictMerge ? seen.prev!.merge!.into : input.baseRef,
    event: "task_retried",
    ...(conflictMerge ? { conflictMerge } : {}),
    check: async () => {
      await reconcileInTx(ctx, input.runId);
      const run = await getRun(ctx, input.runId);
      requireActiveRun(run);
      await requireDistinctReviewer(ctx, run, input.taskId, input.to);
      const task = await getTask(ctx, input.runId, input.taskId);
      const prev = await latestAttempt(ctx, input.runId, input.taskId);
      const stale = prev?.stale === true;
      const attention = prev?.result?.status === "needs_attention" && task.status === "blocked";
      const mergeFailed = mergeFailedOf(task, prev);
      if (!prev || (task.status !== "failed" && !stale && !attention && !mergeFailed)) {
        throw new AppError(
          "INVALID_STATE",
          `Cannot retry task "${input.taskId}": it is ${task.status}${
            prev ? "" : " and was never dispatched"
          } (retry needs a failed task, a stale attempt, one that needs attention, or one a merge left out)`,
          { run_id: input.runId, task_id: input.taskId, status: task.status },
        );
      }
      if (mergeFailed !== seen.mergeFailed || prev.id !== seen.prev?.id) {
        throw new AppError(
          "INVALID_STATE",
          `Task "${input.taskId}" changed while its retry was prepared: look at it again`,
          { run_id: input.runId, task_id: input.taskId, status: task.status },
        );
      }
      requireCodeForBaseRef(input, prev);
      return {
        task,
        prev,
        cancelReason: stale ? "Superseded by a retry: the lease ran out" : undefined,
      };
    },
  });
}
