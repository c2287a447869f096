import type { Thread } from "../inbox_types.ts";
import { iso } from "../clock.ts";
import type { InboxContext } from "./context.ts";
import type { LeaseRef } from "./inbox_io.ts";
import { requireLease } from "./require_lease.ts";

/**
 * Throws what a lease-holder write (update, done, fail) would throw now for
 * `ref`, without writing anything: callers check a payload only once the
 * caller is known to hold the thread.
 */
export async function checkLease(ctx: InboxContext, ref: LeaseRef): Promise<Thread> {
  return await ctx.db.read(() => requireLease(ctx, ref, iso(ctx.clock.now())));
}
