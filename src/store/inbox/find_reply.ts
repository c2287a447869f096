import type { Message } from "../inbox_types.ts";
import type { InboxContext } from "./context.ts";
import { messageFromRow } from "./message_row.ts";

/**
 * The first reply (or cancel) in the thread after message `after` that
 * `agent` did not send, or undefined.
 */
export async function findReply(
  ctx: InboxContext,
  query: { threadId: number; agent: string; after: number },
): Promise<Message | undefined> {
  const row = await ctx.db.get(
    `SELECT * FROM messages WHERE thread_id = ? AND id > ? AND from_agent <> ?
       AND type IN ('reply', 'cancel') ORDER BY id LIMIT 1`,
    query.threadId,
    query.after,
    query.agent,
  );
  return row ? messageFromRow(row) : undefined;
}
