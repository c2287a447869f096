import { AppError } from "../../protocol/errors.ts";
import type { OrchContext } from "./context.ts";
import type { DispatchInput } from "./dispatch.ts";
import { dispatchResult } from "./dispatch_result.ts";
import type { DispatchCheck } from "./dispatch_with_workspace.ts";
import { getAttempt } from "./get_attempt.ts";
import { getRun } from "./get_run.ts";
import { getTask } from "./get_task.ts";
import { reconcileInTx } from "./reconcile_in_tx.ts";
import { requireActiveRun } from "./require_active_run.ts";
import { requireAssignee } from "./require_assignee.ts";
import { dependencyWaitingSql } from "./rules_sql.ts";

/**
 * Whether `input` may be dispatched now (inside a write transaction): the
 * earlier dispatch with the same idempotency key, or the ready task.
 */
export async function checkDispatch(
  ctx: OrchContext,
  input: DispatchInput,
): Promise<DispatchCheck> {
  if (input.idempotencyKey !== undefined) {
    const prior = await ctx.db.get(
      "SELECT id FROM attempts WHERE idempotency_key = ?",
      input.idempotencyKey,
    );
    if (prior) {
      const attempt = await getAttempt(ctx, Number(prior["id"]));
      if (attempt.run_id !== input.runId || attempt.task_id !== input.taskId) {
        throw new AppError(
          "IDEMPOTENCY_CONFLICT",
          `Idempotency key "${input.idempotencyKey}" was already used for task "${attempt.task_id}" of run "${attempt.run_id}"`,
          { attempt_id: attempt.id, idempotency_key: input.idempotencyKey },
        );
      }
      return { replay: await dispatchResult(ctx, attempt, true) };
    }
  }
  const run = await getRun(ctx, input.runId);
  requireActiveRun(run);
  // Fold worker progress first: a dependency may have finished since the
  // last reconcile, and readiness is decided on the folded state.
  await reconcileInTx(ctx, input.runId);
  const task = await getTask(ctx, input.runId, input.taskId);
  if (task.status !== "ready") {
    const waiting = task.status === "pending"
      ? (await ctx.db.all(
        `SELECT d.depends_on AS id, u.status AS status FROM deps d
         JOIN tasks u ON u.run_id = d.run_id AND u.id = d.depends_on
         WHERE d.run_id = ? AND d.task_id = ? AND ${dependencyWaitingSql("u.status")}
         ORDER BY u.seq`,
        input.runId,
        input.taskId,
      )).map((r) => ({ task_id: String(r["id"]), status: String(r["status"]) }))
      : [];
    const why = waiting.length
      ? `dependency "${waiting[0]!.task_id}" is not done (${waiting[0]!.status})`
      : `it is ${task.status}`;
    throw new AppError("TASK_NOT_READY", `Cannot dispatch task "${input.taskId}": ${why}`, {
      run_id: input.runId,
      task_id: input.taskId,
      status: task.status,
      waiting_on: waiting,
    });
  }
  requireAssignee(task, input.to);
  return { task };
}
