import { AppError } from "../../protocol/errors.ts";
import { appendEvent } from "../append_event.ts";
import type { Message, Thread } from "../inbox_types.ts";
import type { Attempt, Task } from "../orch_types.ts";
import { attentionMessage } from "./accept_rules.ts";
import { LEADER_AGENT, nowIso, type OrchContext } from "./context.ts";
import { getAttempt } from "./get_attempt.ts";
import { getTask } from "./get_task.ts";
import { latestAttempt } from "./latest_attempt.ts";
import { reconcileInTx } from "./reconcile_in_tx.ts";

/** Posts the leader's answer into the blocked task's active thread. */
export async function answer(
  ctx: OrchContext,
  input: { runId: string; taskId: string; body: string; payload?: unknown },
): Promise<{ task: Task; attempt: Attempt; thread: Thread; message: Message }> {
  return await ctx.db.write(async () => {
    await reconcileInTx(ctx, input.runId);
    const task = await getTask(ctx, input.runId, input.taskId);
    const attempt = await latestAttempt(ctx, input.runId, input.taskId);
    if (attempt?.result?.status === "needs_attention") {
      const reason = attempt.result.reason!;
      throw new AppError(
        "INVALID_STATE",
        `Task "${input.taskId}" needs attention (${reason}), not an answer: ${
          attentionMessage(reason, attempt.worktree_path)
        }`,
        { run_id: input.runId, task_id: input.taskId, status: task.status, reason },
      );
    }
    if (task.status !== "blocked" || !attempt) {
      throw new AppError(
        "NOT_BLOCKED",
        `Task "${input.taskId}" is ${task.status}, not blocked: there is no question to answer`,
        { run_id: input.runId, task_id: input.taskId, status: task.status },
      );
    }
    const r = await ctx.inbox.replyThread(LEADER_AGENT, attempt.thread_id, {
      body: input.body,
      ...(input.payload !== undefined ? { payload: input.payload } : {}),
    });
    const now = nowIso(ctx);
    await appendEvent(ctx.db, {
      ts: now,
      type: "task_answered",
      runId: input.runId,
      taskId: input.taskId,
      threadId: attempt.thread_id,
      payload: { attempt_id: attempt.id, message_id: r.message!.id },
    });
    await reconcileInTx(ctx, input.runId);
    return {
      task: await getTask(ctx, input.runId, input.taskId),
      attempt: await getAttempt(ctx, attempt.id),
      thread: r.thread,
      message: r.message!,
    };
  });
}
