import { iso } from "../clock.ts";
import type { MessageType } from "../inbox_types.ts";
import { addArtifacts } from "./add_artifacts.ts";
import { addMessage } from "./add_message.ts";
import type { InboxContext } from "./context.ts";
import { fencedUpdate } from "./fenced_update.ts";
import { getThread } from "./get_thread.ts";
import type { FinishInput, ThreadChange } from "./inbox_io.ts";
import { requireLease } from "./require_lease.ts";
import { checkArtifacts } from "./size_checks.ts";
import { threadEvent } from "./thread_event.ts";

/** How a holder finishes a thread: the final status and the type of its last message. */
export type FinishAs = { status: "done"; type: "result" } | { status: "failed"; type: "failure" };

/**
 * Finishes the holder's thread (fenced by its lease): the final status, the
 * last message with its payload and artifacts, and the event, in one write.
 */
export async function finishThread(
  ctx: InboxContext,
  input: FinishInput,
  as: FinishAs,
): Promise<ThreadChange> {
  const status = as.status;
  const type: MessageType = as.type;
  checkArtifacts(input.artifacts);
  return await ctx.db.write(async () => {
    const now = iso(ctx.clock.now());
    const thread = await requireLease(ctx, input, now);
    await fencedUpdate(ctx, { ref: input, thread, now }, {
      sql: `status = ?, lease_expires_at = NULL, updated_at = ?${
        status === "done" ? ", progress = 100" : ""
      }`,
      params: [status, now],
    });
    const updated = await getThread(ctx, thread.id);
    const message = await addMessage(ctx, updated, {
      from: input.agent,
      type,
      body: input.body ?? "",
      payload: input.payload,
      ts: now,
      leaseEpoch: updated.lease_epoch,
    });
    const artifacts = await addArtifacts(ctx, { thread: updated, message, now }, input.artifacts);
    await threadEvent(ctx, updated, now, `thread_${status}`, {
      agent: input.agent,
      message_id: message.id,
      previous_status: thread.status,
      artifact_ids: artifacts.map((a) => a.id),
    });
    return { thread: updated, message, artifacts };
  });
}
