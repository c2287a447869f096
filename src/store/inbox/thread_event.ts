import { appendEvent } from "../append_event.ts";
import type { Thread } from "../inbox_types.ts";
import type { InboxContext } from "./context.ts";

/** Appends an event about `thread` (with its run and task), in the caller's transaction. */
export async function threadEvent(
  ctx: InboxContext,
  thread: Thread,
  ts: string,
  type: string,
  payload: Record<string, unknown>,
): Promise<void> {
  await appendEvent(ctx.db, {
    ts,
    type,
    runId: thread.run_id,
    taskId: thread.task_id,
    threadId: thread.id,
    payload,
  });
}
