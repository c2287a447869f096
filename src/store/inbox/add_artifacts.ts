import type { ArtifactInput, ArtifactMeta, Message, Thread } from "../inbox_types.ts";
import { sha256Hex } from "../sha256.ts";
import type { InboxContext } from "./context.ts";
import { threadEvent } from "./thread_event.ts";

/**
 * Stores `artifacts` on `message` (each with its sha256 and an
 * `artifact_added` event), in the caller's write transaction, and sets
 * `message.artifacts` when there are any. Sizes are checked before the
 * transaction (see checkArtifacts).
 */
export async function addArtifacts(
  ctx: InboxContext,
  on: { thread: Thread; message: Message; now: string },
  artifacts: ArtifactInput[] | undefined,
): Promise<ArtifactMeta[]> {
  const { thread, message, now } = on;
  const out: ArtifactMeta[] = [];
  for (const a of artifacts ?? []) {
    const sha256 = sha256Hex(a.bytes);
    const id = Number(
      (await ctx.db.get<{ id: number }>(
        `INSERT INTO artifacts (thread_id, message_id, name, media_type, size, sha256, content, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
        thread.id,
        message.id,
        a.name,
        a.mediaType,
        a.bytes.byteLength,
        sha256,
        a.bytes,
        now,
      ))!.id,
    );
    const meta: ArtifactMeta = {
      id,
      thread_id: thread.id,
      message_id: message.id,
      name: a.name,
      media_type: a.mediaType,
      size: a.bytes.byteLength,
      sha256,
      created_at: now,
    };
    out.push(meta);
    await threadEvent(ctx, thread, now, "artifact_added", {
      artifact_id: id,
      name: a.name,
      size: meta.size,
      sha256,
    });
  }
  if (out.length > 0) message.artifacts = out;
  return out;
}
