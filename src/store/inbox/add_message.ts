import type { Message, MessageType, Thread } from "../inbox_types.ts";
import { requireText } from "../require_text.ts";
import { toStoredJson } from "../stored_json.ts";
import type { InboxContext } from "./context.ts";
import { checkBodySize } from "./size_checks.ts";

/** A message to add: who sends it, its type, body and payload. */
export interface NewMessage {
  from: string;
  type: MessageType;
  body: string;
  payload?: unknown;
  ts: string;
  /** The sender's lease epoch, for messages written under a lease. */
  leaseEpoch?: number;
}

/**
 * Adds a message to `thread`, in the caller's write transaction. The
 * sender writes to whoever works the thread (the holder, else the
 * addressee); everyone else writes to the sender.
 */
export async function addMessage(
  ctx: InboxContext,
  thread: Thread,
  m: NewMessage,
): Promise<Message> {
  requireText(m.body, "message body");
  checkBodySize(m.body);
  const from = m.from;
  const to = from === thread.from_agent
    ? (thread.claimed_by ?? thread.to_agent)
    : thread.from_agent;
  const id = Number(
    (await ctx.db.get<{ id: number }>(
      `INSERT INTO messages (thread_id, from_agent, to_agent, type, body, payload, lease_epoch, ts)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      thread.id,
      from,
      to,
      m.type,
      m.body,
      toStoredJson(m.payload, "payload"),
      m.leaseEpoch ?? null,
      m.ts,
    ))!.id,
  );
  return {
    id,
    thread_id: thread.id,
    from_agent: from,
    to_agent: to,
    type: m.type,
    body: m.body,
    payload: m.payload ?? null,
    ts: m.ts,
  };
}
