import type { Attempt } from "../orch_types.ts";
import { LEADER_AGENT, nowIso, type OrchContext } from "./context.ts";
import { isFinal } from "../orch_rules.ts";

/** Cancels a live attempt and its thread (inside the caller's transaction). */
export async function cancelAttempt(
  ctx: OrchContext,
  attempt: Attempt,
  reason: string,
): Promise<void> {
  const now = nowIso(ctx);
  const thread = await ctx.inbox.getThread(attempt.thread_id);
  if (!isFinal(thread.status)) {
    await ctx.inbox.cancelThread(LEADER_AGENT, attempt.thread_id, reason);
  }
  await ctx.db.run(
    "UPDATE attempts SET status = 'cancelled', updated_at = ? WHERE id = ?",
    now,
    attempt.id,
  );
}
