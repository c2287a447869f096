import type { InboxContext } from "./context.ts";

/** The latest message in `threadId` sent by `agent`, 0 if none. */
export async function lastMessageIdFrom(
  ctx: InboxContext,
  threadId: number,
  agent: string,
): Promise<number> {
  return Number(
    (await ctx.db.get(
      "SELECT COALESCE(MAX(id), 0) AS m FROM messages WHERE thread_id = ? AND from_agent = ?",
      threadId,
      agent,
    ))?.["m"] ?? 0,
  );
}
