import { mapSeq } from "../map_seq.ts";
import { messageFromRow } from "../inbox/message_row.ts";
import type { Message } from "../inbox_types.ts";
import type { Attempt, Task } from "../orch_types.ts";
import { attentionMessage } from "./accept_rules.ts";
import type { OrchContext } from "./context.ts";
import { getRun } from "./get_run.ts";
import { getTask } from "./get_task.ts";
import { latestAttempt } from "./latest_attempt.ts";

/** A blocked task as `orch blocked` shows it. */
export interface BlockedTask {
  task: Task;
  attempt: Attempt;
  question: Message | null;
  attention: { reason: string; message: string } | null;
}

/**
 * Blocked tasks with their attempt and latest question, or, for a done code
 * attempt that was not accepted, the reason (call reconcile first).
 */
export async function blockedTasks(ctx: OrchContext, runId: string): Promise<BlockedTask[]> {
  return await ctx.db.read(async () => {
    await getRun(ctx, runId);
    return (await mapSeq(
      await ctx.db.all(
        "SELECT id FROM tasks WHERE run_id = ? AND status = 'blocked' ORDER BY seq",
        runId,
      ),
      async (r) => {
        const task = await getTask(ctx, runId, String(r["id"]));
        const attempt = (await latestAttempt(ctx, runId, task.id))!;
        const q = await ctx.db.get(
          "SELECT * FROM messages WHERE thread_id = ? AND type = 'question' ORDER BY id DESC LIMIT 1",
          attempt.thread_id,
        );
        const reason = attempt.result?.status === "needs_attention" ? attempt.result.reason : null;
        return {
          task,
          attempt,
          question: q && !reason ? messageFromRow(q) : null,
          attention: reason
            ? { reason, message: attentionMessage(reason, attempt.worktree_path) }
            : null,
        };
      },
    ));
  });
}
