import type { Message } from "../inbox_types.ts";
import { ACTIONABLE_SQL } from "./actionable.ts";
import type { InboxContext } from "./context.ts";
import { messagesFor } from "./messages_for.ts";

/** Messages fetched when no limit is given. */
export const DEFAULT_FETCH_LIMIT = 50;

/** What a fetch returns: the messages and where the read cursor was and is. */
export interface FetchResult {
  messages: Message[];
  cursor: number;
  previous_cursor: number;
  hidden: number;
}

/**
 * Unread messages addressed to `agent`, oldest first. Advances the
 * agent's read cursor past them unless `peek`.
 *
 * Unless `all`, only actionable messages are returned: those in threads
 * that are still live, and, in finished threads, those to the agent who
 * started the thread (its outcome is news to the requester). Messages to
 * the asked agent in a finished thread are not work: they are passed over
 * (the cursor moves past them) and counted in `hidden`.
 */
export async function fetchMessages(
  ctx: InboxContext,
  agent: string,
  options: { limit?: number; peek?: boolean; all?: boolean } = {},
): Promise<FetchResult> {
  const db = ctx.db;
  const limit = options.limit ?? DEFAULT_FETCH_LIMIT;
  const run = async () => {
    const before = Number(
      (await db.get("SELECT last_message_id FROM read_cursors WHERE agent = ?", agent))
        ?.["last_message_id"] ?? 0,
    );
    const messages = await messagesFor(ctx, {
      agent,
      after: before,
      limit,
      actionableOnly: !options.all,
    });
    let after = messages.length ? messages[messages.length - 1]!.id : before;
    let hidden = 0;
    if (!options.all) {
      if (messages.length < limit) {
        after = Number(
          (await db.get(
            "SELECT COALESCE(MAX(id), ?) AS m FROM messages WHERE to_agent = ? AND id > ?",
            before,
            agent,
            before,
          ))?.["m"] ?? before,
        );
      }
      hidden = Number(
        (await db.get(
          `SELECT count(*) AS n FROM messages m JOIN threads t ON t.id = m.thread_id
             WHERE m.to_agent = ? AND m.id > ? AND m.id <= ? AND NOT ${ACTIONABLE_SQL}`,
          agent,
          before,
          after,
        ))?.["n"] ?? 0,
      );
    }
    if (!options.peek && after > before) {
      await db.run(
        `INSERT INTO read_cursors (agent, last_message_id) VALUES (?, ?)
           ON CONFLICT (agent) DO UPDATE SET last_message_id = excluded.last_message_id`,
        agent,
        after,
      );
    }
    return { messages, cursor: options.peek ? before : after, previous_cursor: before, hidden };
  };
  return options.peek ? await db.read(run) : await db.write(run);
}
