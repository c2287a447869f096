import type { Attempt } from "../orch_types.ts";
import { ATTEMPT_SELECT, attemptFromRow } from "./attempt_row.ts";
import { nowIso, type OrchContext } from "./context.ts";
import { getRun } from "./get_run.ts";
import { getTask } from "./get_task.ts";
import { attemptFinishedSql } from "./rules_sql.ts";

/**
 * Attempts of the run (or of one task) whose worktree is still active and
 * whose attempt or task is final: what cleanup may remove.
 */
export async function finishedActiveWorkspaces(
  ctx: OrchContext,
  runId: string,
  taskId: string | undefined,
): Promise<Attempt[]> {
  return await ctx.db.read(async () => {
    await getRun(ctx, runId);
    if (taskId !== undefined) await getTask(ctx, runId, taskId);
    const now = nowIso(ctx);
    return (await ctx.db.all(
      `${ATTEMPT_SELECT} JOIN tasks k ON k.run_id = a.run_id AND k.id = a.task_id
       WHERE a.run_id = ? AND a.worktree_path IS NOT NULL AND a.workspace_status = 'active'
         AND (? IS NULL OR a.task_id = ?)
         AND ${attemptFinishedSql("a", "k")}
       ORDER BY a.id`,
      runId,
      taskId ?? null,
      taskId ?? null,
    )).map((r) => attemptFromRow(r, now));
  });
}
