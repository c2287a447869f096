import type { Message, MessageType } from "../inbox_types.ts";
import type { InboxContext } from "./context.ts";
import { messageFromRow } from "./message_row.ts";

/** The latest message of one of `types` in the thread, or undefined. */
export async function lastMessageOfType(
  ctx: InboxContext,
  query: { threadId: number; types: readonly [MessageType, ...MessageType[]] },
): Promise<Message | undefined> {
  const row = await ctx.db.get(
    `SELECT * FROM messages WHERE thread_id = ? AND type IN (${
      query.types.map(() => "?").join(", ")
    }) ORDER BY id DESC LIMIT 1`,
    query.threadId,
    ...query.types,
  );
  return row ? messageFromRow(row) : undefined;
}
