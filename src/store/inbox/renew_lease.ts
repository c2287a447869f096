import { iso, isoPlusSeconds } from "../clock.ts";
import { DEFAULT_LEASE_SECONDS, type Thread } from "../inbox_types.ts";
import type { InboxContext } from "./context.ts";
import { fencedUpdate } from "./fenced_update.ts";
import { getThread } from "./get_thread.ts";
import type { LeaseRef } from "./inbox_io.ts";
import { requireLease } from "./require_lease.ts";
import { threadEvent } from "./thread_event.ts";

/** Extends the caller's live lease (by `leaseSeconds`, else the length it was claimed for). */
export async function renewLease(
  ctx: InboxContext,
  ref: LeaseRef,
  leaseSeconds?: number,
): Promise<{ thread: Thread }> {
  return await ctx.db.write(async () => {
    const nowDate = ctx.clock.now();
    const now = iso(nowDate);
    const thread = await requireLease(ctx, ref, now);
    const seconds = leaseSeconds ?? thread.lease_seconds ?? DEFAULT_LEASE_SECONDS;
    const expires = isoPlusSeconds(nowDate, seconds);
    await fencedUpdate(ctx, { ref, thread, now }, {
      sql: "lease_expires_at = ?, lease_seconds = ?, updated_at = ?",
      params: [expires, seconds, now],
    });
    const renewed = await getThread(ctx, thread.id);
    await threadEvent(ctx, renewed, now, "lease_renewed", {
      agent: ref.agent,
      lease_epoch: renewed.lease_epoch,
      lease_expires_at: expires,
    });
    return { thread: renewed };
  });
}
