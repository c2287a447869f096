import type { Message, Thread } from "../inbox_types.ts";
import { ARTIFACT_META_COLUMNS, artifactFromRow, attachArtifacts } from "./artifact_row.ts";
import type { InboxContext } from "./context.ts";
import { getThread } from "./get_thread.ts";
import { messageFromRow } from "./message_row.ts";

/** A thread with its messages (each with artifact metadata). */
export async function showThread(
  ctx: InboxContext,
  threadId: number,
): Promise<{ thread: Thread; messages: Message[] }> {
  return await ctx.db.read(async () => {
    const thread = await getThread(ctx, threadId);
    const messages = (await ctx.db.all(
      "SELECT * FROM messages WHERE thread_id = ? ORDER BY id",
      threadId,
    ))
      .map(messageFromRow);
    const arts = (await ctx.db.all(
      `SELECT ${ARTIFACT_META_COLUMNS} FROM artifacts WHERE thread_id = ? ORDER BY id`,
      threadId,
    )).map(artifactFromRow);
    attachArtifacts(messages, arts);
    return { thread, messages };
  });
}
