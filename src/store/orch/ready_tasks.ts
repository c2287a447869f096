import { DEPENDENCY_DONE_STATUS, type Task } from "../orch_types.ts";
import type { OrchContext } from "./context.ts";
import { getRun } from "./get_run.ts";
import { taskFromRow } from "./task_from_row.ts";
import { readySql, waitingSql } from "./rules_sql.ts";

/** Tasks that can be dispatched now: pending, every dependency done. */
export async function readyTasks(ctx: OrchContext, runId: string): Promise<Task[]> {
  return await ctx.db.read(async () => {
    await getRun(ctx, runId);
    const rows = await ctx.db.all(
      `SELECT t.* FROM tasks t WHERE t.run_id = ? AND ${readySql("t")} ORDER BY t.seq`,
      runId,
    );
    const deps = new Map<string, string[]>();
    for (
      const d of await ctx.db.all(
        `SELECT d.task_id, d.depends_on FROM deps d JOIN tasks t ON t.run_id = d.run_id AND t.id = d.task_id
         WHERE d.run_id = ? AND ${waitingSql("t.status")}`,
        runId,
      )
    ) {
      const k = String(d["task_id"]);
      deps.set(k, [...(deps.get(k) ?? []), String(d["depends_on"])]);
    }
    return rows.map((r) => {
      const ds = deps.get(String(r["id"])) ?? [];
      return taskFromRow(r, ds, ds.map(() => DEPENDENCY_DONE_STATUS));
    });
  });
}
