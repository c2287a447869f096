import { AppError } from "../../protocol/errors.ts";
import type { Thread } from "../inbox_types.ts";
import type { InboxContext } from "./context.ts";
import type { LeaseRef } from "./inbox_io.ts";
import { LEASE_LOST_ADVICE } from "./lease_advice.ts";
import { requireNotFinal, requireParticipant } from "./thread_guards.ts";
import { threadFromRow } from "./thread_row.ts";

/** A thread with the lease length its holder asked for. */
export type LeasedThread = Thread & { lease_seconds: number | null };

/** The thread, if `ref.agent` holds a live lease on it at `now`; otherwise the reason as an error. */
export async function requireLease(
  ctx: InboxContext,
  ref: LeaseRef,
  now: string,
): Promise<LeasedThread> {
  const row = await ctx.db.get("SELECT * FROM threads WHERE id = ?", ref.threadId);
  if (!row) {
    throw new AppError("THREAD_NOT_FOUND", `Thread ${ref.threadId} does not exist`, {
      thread_id: ref.threadId,
    });
  }
  const thread = threadFromRow(row);
  const leaseSeconds = row["lease_seconds"] == null ? null : Number(row["lease_seconds"]);
  if (thread.status === "cancelled") {
    throw new AppError("CANCELLED", `Thread ${thread.id} was cancelled`, {
      thread_id: thread.id,
    });
  }
  requireNotFinal(thread);
  if (thread.status === "open") {
    if (thread.to_agent !== ref.agent) requireParticipant(thread, ref.agent);
    throw new AppError(
      "INVALID_STATE",
      `Thread ${thread.id} is not claimed: claim it first`,
      { reason: "not_claimed", thread_id: thread.id, status: thread.status },
    );
  }
  const details = {
    thread_id: thread.id,
    agent: ref.agent,
    claimed_by: thread.claimed_by,
    lease_epoch: thread.lease_epoch,
    lease_expires_at: thread.lease_expires_at,
  };
  if (ref.leaseEpoch !== undefined && ref.leaseEpoch > thread.lease_epoch) {
    // No claim ever had this epoch: a wrong value, not a lost lease.
    throw new AppError(
      "INVALID_INPUT",
      `Lease epoch ${ref.leaseEpoch} of thread ${thread.id} was never issued: the thread's latest epoch is ${thread.lease_epoch}; pass the epoch your claim returned`,
      details,
    );
  }
  if (thread.claimed_by !== ref.agent) {
    throw new AppError(
      "LEASE_LOST",
      `Agent "${ref.agent}" does not hold thread ${thread.id}: it is claimed by "${thread.claimed_by}"; ${LEASE_LOST_ADVICE}`,
      details,
    );
  }
  if (ref.leaseEpoch !== undefined && ref.leaseEpoch !== thread.lease_epoch) {
    throw new AppError(
      "LEASE_LOST",
      `Lease epoch ${ref.leaseEpoch} of thread ${thread.id} is stale: the thread was claimed again since (epoch ${thread.lease_epoch}); ${LEASE_LOST_ADVICE}`,
      details,
    );
  }
  if (thread.lease_expires_at === null || thread.lease_expires_at <= now) {
    throw new AppError(
      "LEASE_LOST",
      `The lease of "${ref.agent}" on thread ${thread.id} expired at ${thread.lease_expires_at}; ${LEASE_LOST_ADVICE}`,
      details,
    );
  }
  return { ...thread, lease_seconds: leaseSeconds };
}
