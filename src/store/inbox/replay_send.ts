import { AppError } from "../../protocol/errors.ts";
import type { Thread } from "../inbox_types.ts";
import { ARTIFACT_META_COLUMNS, artifactFromRow } from "./artifact_row.ts";
import type { InboxContext } from "./context.ts";
import type { SendInput, SendResult } from "./inbox_io.ts";
import { messageFromRow } from "./message_row.ts";

/**
 * The earlier send that used `input`'s idempotency key: its thread, first
 * message and artifacts, marked `replayed`. `IDEMPOTENCY_CONFLICT` when the
 * key was used with a different sender, recipient or subject.
 */
export async function replaySend(
  ctx: InboxContext,
  thread: Thread,
  input: SendInput,
): Promise<SendResult> {
  if (
    thread.from_agent !== input.from || thread.to_agent !== input.to ||
    thread.subject !== input.subject
  ) {
    throw new AppError(
      "IDEMPOTENCY_CONFLICT",
      `Idempotency key "${input.idempotencyKey}" was already used for thread ${thread.id} with different sender, recipient or subject`,
      { thread_id: thread.id, idempotency_key: input.idempotencyKey },
    );
  }
  const first = await ctx.db.get(
    "SELECT * FROM messages WHERE thread_id = ? ORDER BY id LIMIT 1",
    thread.id,
  );
  const artifacts = first
    ? (await ctx.db.all(
      `SELECT ${ARTIFACT_META_COLUMNS} FROM artifacts WHERE message_id = ? ORDER BY id`,
      Number(first["id"]),
    )).map(artifactFromRow)
    : [];
  const message = messageFromRow(first!);
  if (artifacts.length > 0) message.artifacts = artifacts;
  return { thread, message, artifacts, replayed: true };
}
