import type { Row } from "../../storage/db.ts";
import { parseStoredJson } from "../stored_json.ts";
import type { Message, MessageType, ThreadStatus } from "../inbox_types.ts";

/**
 * A `messages` row as a {@linkcode Message}, with its thread's subject and
 * status when the query selected them as `thread_subject` / `thread_status`.
 */
export function messageFromRow(r: Row): Message {
  const m: Message = {
    id: Number(r["id"]),
    thread_id: Number(r["thread_id"]),
    from_agent: String(r["from_agent"]),
    to_agent: String(r["to_agent"]),
    type: r["type"] as MessageType,
    body: String(r["body"] ?? ""),
    payload: parseStoredJson(r["payload"]),
    ts: String(r["ts"]),
  };
  if (r["thread_subject"] != null) m.thread_subject = String(r["thread_subject"]);
  if (r["thread_status"] != null) m.thread_status = r["thread_status"] as ThreadStatus;
  return m;
}
