import { iso } from "../clock.ts";
import { addMessage } from "./add_message.ts";
import type { InboxContext } from "./context.ts";
import { getThread } from "./get_thread.ts";
import type { ThreadChange } from "./inbox_io.ts";
import { threadEvent } from "./thread_event.ts";
import { requireNotFinal, requireParticipant } from "./thread_guards.ts";

/**
 * A message from a participant (the sender, the recipient or the holder)
 * into an open thread. A reply to a blocked thread from anyone but its
 * holder unblocks it.
 */
export async function replyThread(
  ctx: InboxContext,
  from: { agent: string; threadId: number },
  input: { body: string; payload?: unknown },
): Promise<ThreadChange> {
  const { agent, threadId } = from;
  return await ctx.db.write(async () => {
    const now = iso(ctx.clock.now());
    const thread = await getThread(ctx, threadId);
    requireParticipant(thread, agent);
    requireNotFinal(thread);
    const message = await addMessage(ctx, thread, {
      from: agent,
      type: "reply",
      body: input.body,
      payload: input.payload,
      ts: now,
    });
    let current = thread;
    if (thread.status === "blocked" && agent !== thread.claimed_by) {
      await ctx.db.run(
        "UPDATE threads SET status = 'in_progress', updated_at = ? WHERE id = ?",
        now,
        threadId,
      );
      current = await getThread(ctx, threadId);
    } else {
      await ctx.db.run("UPDATE threads SET updated_at = ? WHERE id = ?", now, threadId);
    }
    await threadEvent(ctx, current, now, "thread_replied", {
      agent,
      // Who holds the lease: the one a leader's event about the task names (not the replier).
      holder: current.claimed_by,
      message_id: message.id,
      previous_status: thread.status,
      status: current.status,
    });
    return { thread: current, message };
  });
}
