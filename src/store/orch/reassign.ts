import { AppError } from "../../protocol/errors.ts";
import { requireCodeForBaseRef } from "./require_code_for_base_ref.ts";
import { ACTIVE_TASK_STATUSES } from "../orch_types.ts";
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

/** Cancels the current attempt (if live) and dispatches a new one to `to`. */
export async function reassign(
  ctx: OrchContext,
  input: { runId: string; taskId: string; to: string; body?: string; baseRef?: string },
): Promise<DispatchResult> {
  if (ctx.workspaces) await reconcile(ctx, input.runId);
  return redispatch(ctx, {
    runId: input.runId,
    taskId: input.taskId,
    to: input.to,
    body: input.body,
    baseRef: input.baseRef,
    event: "task_reassigned",
    check: async () => {
      await reconcileInTx(ctx, input.runId);
      const run = await getRun(ctx, input.runId);
      requireActiveRun(run);
      await requireDistinctReviewer(ctx, run, input.taskId, input.to);
      const task = await getTask(ctx, input.runId, input.taskId);
      const prev = await latestAttempt(ctx, input.runId, input.taskId);
      if (!prev || !(ACTIVE_TASK_STATUSES.includes(task.status) || task.status === "failed")) {
        throw new AppError(
          "INVALID_STATE",
          `Cannot reassign task "${input.taskId}": it is ${task.status} (reassign needs a dispatched, running, blocked or failed task)`,
          { run_id: input.runId, task_id: input.taskId, status: task.status },
        );
      }
      requireCodeForBaseRef(input, prev);
      return {
        task,
        prev,
        cancelReason: ACTIVE_TASK_STATUSES.includes(prev.status)
          ? `Reassigned to ${input.to}`
          : undefined,
      };
    },
  });
}
