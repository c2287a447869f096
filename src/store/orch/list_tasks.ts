import type { Task } from "../orch_types.ts";
import type { OrchContext } from "./context.ts";
import { taskFromRow } from "./task_from_row.ts";

/** Every task of the run in creation order, with dependencies and derived readiness. */
export async function listTasks(ctx: OrchContext, runId: string): Promise<Task[]> {
  const rows = await ctx.db.all("SELECT * FROM tasks WHERE run_id = ? ORDER BY seq", runId);
  const status = new Map(rows.map((r) => [String(r["id"]), String(r["status"])]));
  const seq = new Map(rows.map((r) => [String(r["id"]), Number(r["seq"])]));
  const deps = new Map<string, string[]>();
  for (
    const d of await ctx.db.all("SELECT task_id, depends_on FROM deps WHERE run_id = ?", runId)
  ) {
    const k = String(d["task_id"]);
    const list = deps.get(k) ?? [];
    list.push(String(d["depends_on"]));
    deps.set(k, list);
  }
  return rows.map((r) => {
    // Dependencies in the order their tasks were added, as getTask lists them.
    const ds = (deps.get(String(r["id"])) ?? []).sort((a, b) => seq.get(a)! - seq.get(b)!);
    return taskFromRow(r, ds, ds.map((d) => status.get(d) ?? "pending"));
  });
}
