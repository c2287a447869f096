import { AppError } from "../../protocol/errors.ts";
import { iso, isoPlusSeconds } from "../clock.ts";
import {
  DEFAULT_LEASE_SECONDS,
  type Message,
  type ThreadStatus,
  type UpdateStatus,
} from "../inbox_types.ts";
import { addMessage } from "./add_message.ts";
import type { InboxContext } from "./context.ts";
import { fencedUpdate } from "./fenced_update.ts";
import { getThread } from "./get_thread.ts";
import type { LeaseRef, ThreadChange } from "./inbox_io.ts";
import { requireLease } from "./require_lease.ts";
import { threadEvent } from "./thread_event.ts";

/** What an update reports: any of a body, a progress figure, a status, a payload. */
export interface UpdateInput {
  body?: string;
  progress?: number;
  status?: UpdateStatus;
  payload?: unknown;
}

/**
 * Progress, a blocked question, or verifying, from the lease holder.
 * Extends the lease. `blocked` records the body as a `question`.
 */
export async function updateThread(
  ctx: InboxContext,
  ref: LeaseRef,
  input: UpdateInput,
): Promise<ThreadChange> {
  if (input.body === undefined && input.progress === undefined && input.status === undefined) {
    throw new AppError(
      "USAGE",
      "Nothing to update: no body, progress or status was given",
      { reason: "nothing_to_update" },
    );
  }
  if (input.status === "blocked" && !input.body) {
    throw new AppError(
      "USAGE",
      "A blocked update needs the question as its body",
      { reason: "question_missing" },
    );
  }
  return await ctx.db.write(async () => {
    const nowDate = ctx.clock.now();
    const now = iso(nowDate);
    const thread = await requireLease(ctx, ref, now);
    const status: ThreadStatus = input.status ??
      (thread.status === "claimed" ? "in_progress" : thread.status);
    const expires = isoPlusSeconds(nowDate, thread.lease_seconds ?? DEFAULT_LEASE_SECONDS);
    await fencedUpdate(ctx, { ref, thread, now }, {
      sql: "status = ?, progress = COALESCE(?, progress), lease_expires_at = ?, updated_at = ?",
      params: [status, input.progress ?? null, expires, now],
    });
    const updated = await getThread(ctx, thread.id);
    let message: Message | null = null;
    if (input.body !== undefined || input.payload !== undefined) {
      message = await addMessage(ctx, updated, {
        from: ref.agent,
        type: status === "blocked" ? "question" : "progress",
        body: input.body ?? "",
        payload: input.payload,
        ts: now,
        leaseEpoch: updated.lease_epoch,
      });
    }
    const type = status === thread.status ? "thread_progress" : `thread_${status}`;
    await threadEvent(ctx, updated, now, type, {
      agent: ref.agent,
      status,
      previous_status: thread.status,
      progress: updated.progress,
      message_id: message?.id ?? null,
      ...(status === "blocked" ? { question: input.body ?? "" } : {}),
    });
    return { thread: updated, message };
  });
}
