import { AppError } from "../../protocol/errors.ts";
import type { SqlValue } from "../../storage/db.ts";
import type { Thread } from "../inbox_types.ts";
import type { InboxContext } from "./context.ts";
import type { LeaseRef } from "./inbox_io.ts";
import { LEASE_LOST_ADVICE } from "./lease_advice.ts";

/**
 * The fenced write: only the holder at the epoch it read, with a live lease,
 * changes the row. `set` is the SET clause with `?` for each of `params`.
 * Zero rows changed is `LEASE_LOST`, never silent.
 */
export async function fencedUpdate(
  ctx: InboxContext,
  held: { ref: LeaseRef; thread: Thread; now: string },
  set: { sql: string; params: SqlValue[] },
): Promise<void> {
  const { ref, thread, now } = held;
  const changed = (await ctx.db.run(
    `UPDATE threads SET ${set.sql} WHERE id = ? AND claimed_by = ? AND lease_epoch = ? AND lease_expires_at > ?`,
    ...set.params,
    thread.id,
    ref.agent,
    thread.lease_epoch,
    now,
  )).changes;
  if (changed !== 1) {
    throw new AppError(
      "LEASE_LOST",
      `Agent "${ref.agent}" lost the lease on thread ${thread.id}; ${LEASE_LOST_ADVICE}`,
      {
        thread_id: thread.id,
        agent: ref.agent,
      },
    );
  }
}
