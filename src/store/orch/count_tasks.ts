import type { StoredTaskStatus, TaskCounts } from "../orch_types.ts";
import type { OrchContext } from "./context.ts";
import { zeroCounts } from "./zero_counts.ts";
import { readySql } from "./rules_sql.ts";

/** Task counts by status (ready derived), without reconciling: cheap. */
export async function countTasks(ctx: OrchContext, runId: string): Promise<TaskCounts> {
  const counts = zeroCounts();
  for (
    const r of await ctx.db.all(
      "SELECT status, COUNT(*) AS n FROM tasks WHERE run_id = ? GROUP BY status",
      runId,
    )
  ) {
    counts[r["status"] as StoredTaskStatus] = Number(r["n"]);
    counts.total += Number(r["n"]);
  }
  const ready = Number(
    (await ctx.db.get(
      `SELECT COUNT(*) AS n FROM tasks t WHERE t.run_id = ? AND ${readySql("t")}`,
      runId,
    ))?.["n"] ?? 0,
  );
  counts.ready = ready;
  counts.pending -= ready;
  return counts;
}
