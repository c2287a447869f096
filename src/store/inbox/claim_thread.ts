import { AppError } from "../../protocol/errors.ts";
import { iso, isoPlusSeconds } from "../clock.ts";
import { DEFAULT_LEASE_SECONDS, LEASED_STATUSES, type Thread } from "../inbox_types.ts";
import type { InboxContext } from "./context.ts";
import { getThread } from "./get_thread.ts";
import { threadEvent } from "./thread_event.ts";
import { requireNotFinal } from "./thread_guards.ts";
import { threadFromRow } from "./thread_row.ts";

/** What a claim returns. */
export interface ClaimResult {
  thread: Thread;
  previous_holder: string | null;
  reclaimed: boolean;
}

/**
 * Claims `threadId`, or the oldest claimable thread addressed to `agent`.
 * Claimable: open, or leased with an expired lease. Every claim by a new
 * holder increments `lease_epoch`; the same agent claiming a thread it
 * still holds gets its lease extended, same epoch. Only the addressee may
 * claim an open thread; an expired lease may be taken over by any agent
 * naming the thread, and a live one held by another is `ALREADY_CLAIMED`.
 */
export async function claimThread(
  ctx: InboxContext,
  agent: string,
  options: { threadId?: number; leaseSeconds?: number } = {},
): Promise<ClaimResult> {
  const db = ctx.db;
  const leaseSeconds = options.leaseSeconds ?? DEFAULT_LEASE_SECONDS;
  return await db.write(async () => {
    const nowDate = ctx.clock.now();
    const now = iso(nowDate);
    let thread: Thread;
    if (options.threadId !== undefined) {
      thread = await getThread(ctx, options.threadId);
      // An open thread belongs to its addressee. Once claimed, the lease decides:
      // a live lease held by another agent is ALREADY_CLAIMED below, an expired
      // one may be taken over by any agent that names the thread.
      if (thread.to_agent !== agent && !LEASED_STATUSES.includes(thread.status)) {
        throw new AppError(
          "NOT_PARTICIPANT",
          `Thread ${thread.id} is addressed to "${thread.to_agent}", not "${agent}"`,
          { thread_id: thread.id, to_agent: thread.to_agent, agent },
        );
      }
      requireNotFinal(thread);
      const live = thread.lease_expires_at !== null && thread.lease_expires_at > now;
      if (LEASED_STATUSES.includes(thread.status) && live) {
        if (thread.claimed_by !== agent) {
          throw new AppError(
            "ALREADY_CLAIMED",
            `Thread ${thread.id} is claimed by "${thread.claimed_by}" until ${thread.lease_expires_at}`,
            {
              thread_id: thread.id,
              claimed_by: thread.claimed_by,
              lease_expires_at: thread.lease_expires_at,
            },
          );
        }
        const expires = isoPlusSeconds(nowDate, leaseSeconds);
        await db.run(
          "UPDATE threads SET lease_expires_at = ?, lease_seconds = ?, updated_at = ? WHERE id = ?",
          expires,
          leaseSeconds,
          now,
          thread.id,
        );
        const renewed = await getThread(ctx, thread.id);
        await threadEvent(ctx, renewed, now, "lease_renewed", {
          agent,
          lease_epoch: renewed.lease_epoch,
          lease_expires_at: expires,
        });
        return { thread: renewed, previous_holder: agent, reclaimed: true };
      }
    } else {
      const row = await db.get(
        `SELECT * FROM threads WHERE to_agent = ? AND (status = 'open' OR
             (status IN ('claimed', 'in_progress', 'blocked', 'verifying') AND lease_expires_at <= ?))
           ORDER BY id LIMIT 1`,
        agent,
        now,
      );
      if (!row) {
        throw new AppError(
          "NO_CLAIMABLE_THREAD",
          `No claimable thread is addressed to "${agent}"`,
          {
            agent,
          },
        );
      }
      thread = threadFromRow(row);
    }
    const previous = thread.claimed_by;
    const expires = isoPlusSeconds(nowDate, leaseSeconds);
    const changed = (await db.run(
      // A blocked thread stays blocked under its new holder: the question is
      // still open until someone replies (the leader's `orch blocked` keeps it).
      `UPDATE threads SET status = CASE WHEN status = 'blocked' THEN 'blocked' ELSE 'claimed' END,
           claimed_by = ?, lease_epoch = lease_epoch + 1,
           lease_expires_at = ?, lease_seconds = ?, updated_at = ?
         WHERE id = ? AND lease_epoch = ?`,
      agent,
      expires,
      leaseSeconds,
      now,
      thread.id,
      thread.lease_epoch,
    )).changes;
    if (changed !== 1) {
      throw new AppError("ALREADY_CLAIMED", `Thread ${thread.id} was just claimed`);
    }
    const claimed = await getThread(ctx, thread.id);
    await threadEvent(ctx, claimed, now, "thread_claimed", {
      agent,
      lease_epoch: claimed.lease_epoch,
      lease_expires_at: expires,
      previous_holder: previous,
      previous_status: thread.status,
      status: claimed.status,
    });
    return { thread: claimed, previous_holder: previous, reclaimed: false };
  });
}
