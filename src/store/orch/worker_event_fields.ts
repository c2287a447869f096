/**
 * What a reconciled `task_*` event carries about the worker's act, so a
 * leader woken by `orch wait` can act without another call: who acted (the
 * thread's holder, which differs from the attempt's `assigned_to` after a
 * takeover), the question or the result's summary (bounded), the progress
 * and the message id for the full text.
 */
import type { Db } from "../../storage/db.ts";

/** Longest question or summary an event carries, in characters (the message has all of it). */
export const EVENT_TEXT_MAX = 1000;

/** `text` cut to `max` characters (never inside a surrogate pair), and whether it was cut. */
export function boundedText(
  text: string,
  max = EVENT_TEXT_MAX,
): { text: string; truncated: boolean } {
  if (text.length <= max) return { text, truncated: false };
  let end = max;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return { text: text.slice(0, end), truncated: true };
}

/**
 * The fields of a `task_*` event folded from the inbox thread event `type`
 * with `payload` (as inbox wrote it). Reads the result or failure message for
 * its summary: the message body, or the payload's `summary` when the body is
 * empty.
 */
export async function workerEventFields(
  db: Db,
  type: string,
  payload: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  // The lease holder: named by the event when it differs from the actor (a reply that unblocks).
  const holder = "holder" in payload ? payload["holder"] : payload["agent"];
  if (typeof holder === "string") out["holder"] = holder;
  let text: { key: string; value: string } | undefined;
  if (typeof payload["question"] === "string") {
    text = { key: "question", value: payload["question"] };
  } else if (
    (type === "thread_done" || type === "thread_failed" || type === "thread_cancelled") &&
    typeof payload["message_id"] === "number"
  ) {
    const m = await db.get<{ body: string; payload: string | null }>(
      "SELECT body, payload FROM messages WHERE id = ?",
      payload["message_id"],
    );
    let summary = m?.body ?? "";
    if (!summary && m?.payload) {
      try {
        const p = JSON.parse(m.payload) as Record<string, unknown> | null;
        if (p && typeof p["summary"] === "string") summary = p["summary"];
      } catch { /* not JSON: no summary */ }
    }
    text = { key: "summary", value: summary };
  }
  if (text) {
    const bounded = boundedText(text.value);
    out[text.key] = bounded.text;
    if (bounded.truncated) out["text_truncated"] = true;
  }
  if (payload["message_id"] !== undefined) out["message_id"] = payload["message_id"];
  if (payload["progress"] !== undefined) out["progress"] = payload["progress"];
  return out;
}
