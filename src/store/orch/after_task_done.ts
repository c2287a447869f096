import { sqlFor } from "../../storage/sql_fragments.ts";
import { appendEvent } from "../append_event.ts";
import type { OrchContext } from "./context.ts";
import { maybeCompleteRun } from "./run_completion.ts";
import { readySql } from "./rules_sql.ts";

/**
 * After a task is done (inside the caller's transaction): announces
 * dependents that became ready; completes the run when all are done.
 */
export async function afterTaskDone(
  ctx: OrchContext,
  input: { runId: string; taskId: string; now: string },
): Promise<void> {
  const { runId, taskId, now } = input;
  for (
    const r of await ctx.db.all(
      // The ordered join keeps SQLite on deps_reverse (the dependents of this task)
      // instead of scanning every pending task of the run.
      `SELECT t.id FROM deps d ${sqlFor(ctx.db.dialect).orderedJoin} tasks t
         ON t.run_id = d.run_id AND t.id = d.task_id
       WHERE d.run_id = ? AND d.depends_on = ? AND ${readySql("t")}
       ORDER BY t.seq`,
      runId,
      taskId,
    )
  ) {
    await appendEvent(ctx.db, {
      ts: now,
      type: "task_ready",
      runId,
      taskId: String(r["id"]),
      payload: { unblocked_by: taskId },
    });
  }
  await maybeCompleteRun(ctx.db, runId, now);
}
