import { iso } from "../clock.ts";
import { addMessage } from "./add_message.ts";
import type { InboxContext } from "./context.ts";
import { getThread } from "./get_thread.ts";
import type { ThreadChange } from "./inbox_io.ts";
import { threadEvent } from "./thread_event.ts";
import { requireNotFinal, requireParticipant } from "./thread_guards.ts";

/** Cancels a thread that is not final; any participant may. Clears the lease. */
export async function cancelThread(
  ctx: InboxContext,
  by: { agent: string; threadId: number },
  body?: string,
): Promise<ThreadChange> {
  const { agent, threadId } = by;
  return await ctx.db.write(async () => {
    const now = iso(ctx.clock.now());
    const thread = await getThread(ctx, threadId);
    requireParticipant(thread, agent);
    requireNotFinal(thread);
    await ctx.db.run(
      "UPDATE threads SET status = 'cancelled', lease_expires_at = NULL, updated_at = ? WHERE id = ?",
      now,
      threadId,
    );
    const updated = await getThread(ctx, threadId);
    const message = await addMessage(ctx, updated, {
      from: agent,
      type: "cancel",
      body: body ?? "",
      ts: now,
    });
    await threadEvent(ctx, updated, now, "thread_cancelled", {
      agent,
      message_id: message.id,
      previous_status: thread.status,
    });
    return { thread: updated, message };
  });
}
