import type { Attempt } from "../orch_types.ts";
import { ATTEMPT_SELECT, attemptFromRow } from "./attempt_row.ts";
import { nowIso, type OrchContext } from "./context.ts";

/** The task's attempt with the highest number, or null before its first dispatch. */
export async function latestAttempt(
  ctx: OrchContext,
  runId: string,
  taskId: string,
): Promise<Attempt | null> {
  const row = await ctx.db.get(
    `${ATTEMPT_SELECT} WHERE a.run_id = ? AND a.task_id = ? ORDER BY a.n DESC LIMIT 1`,
    runId,
    taskId,
  );
  return row ? attemptFromRow(row, nowIso(ctx)) : null;
}
