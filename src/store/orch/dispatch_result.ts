import { messageFromRow } from "../inbox/message_row.ts";
import type { Message, Thread } from "../inbox_types.ts";
import type { Attempt, Run, Task } from "../orch_types.ts";
import type { OrchContext } from "./context.ts";
import { getRun } from "./get_run.ts";
import { getTask } from "./get_task.ts";

/** What a dispatch, retry or reassign returns. */
export interface DispatchResult {
  run: Run;
  task: Task;
  attempt: Attempt;
  thread: Thread;
  message: Message;
  /** True when an earlier dispatch with the same idempotency key was returned. */
  replayed: boolean;
}

/** The dispatch result of `attempt`: its run, task, thread and first message. */
export async function dispatchResult(
  ctx: OrchContext,
  attempt: Attempt,
  replayed: boolean,
): Promise<DispatchResult> {
  const thread = await ctx.inbox.getThread(attempt.thread_id);
  const first = (await ctx.db.get(
    "SELECT * FROM messages WHERE thread_id = ? ORDER BY id LIMIT 1",
    thread.id,
  ))!;
  return {
    run: await getRun(ctx, attempt.run_id),
    task: await getTask(ctx, attempt.run_id, attempt.task_id),
    attempt,
    thread,
    message: messageFromRow(first),
    replayed,
  };
}
