import type { Thread } from "../inbox_types.ts";
import type { InboxContext } from "./context.ts";
import { getThread } from "./get_thread.ts";
import { requireParticipant } from "./thread_guards.ts";

/** The thread, if `agent` is its sender, recipient or holder; otherwise `NOT_PARTICIPANT`. */
export async function participantThread(
  ctx: InboxContext,
  threadId: number,
  agent: string,
): Promise<Thread> {
  const thread = await getThread(ctx, threadId);
  requireParticipant(thread, agent);
  return thread;
}
