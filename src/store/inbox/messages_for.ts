import type { Message } from "../inbox_types.ts";
import { ACTIONABLE_SQL } from "./actionable.ts";
import { ARTIFACT_META_COLUMNS, artifactFromRow, attachArtifacts } from "./artifact_row.ts";
import type { InboxContext } from "./context.ts";
import { messageFromRow } from "./message_row.ts";

/**
 * Messages addressed to `agent` after message id `after`, oldest first,
 * with their thread's subject and status and their artifacts (no cursor change).
 */
export async function messagesFor(
  ctx: InboxContext,
  query: { agent: string; after: number; limit: number; actionableOnly?: boolean },
): Promise<Message[]> {
  const messages = (await ctx.db.all(
    `SELECT m.*, t.subject AS thread_subject, t.status AS thread_status
       FROM messages m JOIN threads t ON t.id = m.thread_id
       WHERE m.to_agent = ? AND m.id > ? ${
      query.actionableOnly ? `AND ${ACTIONABLE_SQL}` : ""
    } ORDER BY m.id LIMIT ?`,
    query.agent,
    query.after,
    query.limit,
  )).map(messageFromRow);
  if (messages.length === 0) return messages;
  const arts = (await ctx.db.all(
    `SELECT ${ARTIFACT_META_COLUMNS} FROM artifacts WHERE message_id BETWEEN ? AND ? ORDER BY id`,
    messages[0]!.id,
    messages[messages.length - 1]!.id,
  )).map(artifactFromRow);
  attachArtifacts(messages, arts);
  return messages;
}
