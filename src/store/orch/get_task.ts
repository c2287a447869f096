import { AppError } from "../../protocol/errors.ts";
import type { Task } from "../orch_types.ts";
import type { OrchContext } from "./context.ts";
import { getRun } from "./get_run.ts";
import { taskFromRow } from "./task_from_row.ts";

/** One task with its dependencies and derived readiness (TASK_NOT_FOUND / RUN_NOT_FOUND). */
export async function getTask(ctx: OrchContext, runId: string, taskId: string): Promise<Task> {
  const row = await ctx.db.get("SELECT * FROM tasks WHERE run_id = ? AND id = ?", runId, taskId);
  if (!row) {
    await getRun(ctx, runId);
    throw new AppError("TASK_NOT_FOUND", `Task "${taskId}" does not exist in run "${runId}"`, {
      run_id: runId,
      task_id: taskId,
    });
  }
  const deps = await ctx.db.all(
    `SELECT d.depends_on AS id, u.status AS status FROM deps d
     JOIN tasks u ON u.run_id = d.run_id AND u.id = d.depends_on
     WHERE d.run_id = ? AND d.task_id = ? ORDER BY u.seq`,
    runId,
    taskId,
  );
  return taskFromRow(
    row,
    deps.map((d) => String(d["id"])),
    deps.map((d) => String(d["status"])),
  );
}
