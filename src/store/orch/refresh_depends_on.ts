import type { Task } from "../orch_types.ts";
import type { OrchContext } from "./context.ts";
import { getTask } from "./get_task.ts";

/**
 * Writes the task's `depends_on_json` (the ids `orch status` shows, in
 * {@linkcode getTask}'s order) from its rows in `deps`, inside the caller's
 * write transaction. Called after every insert into `deps`, so the column
 * and the edges never disagree. Returns the task as `getTask` reads it.
 */
export async function refreshDependsOn(
  ctx: OrchContext,
  runId: string,
  taskId: string,
): Promise<Task> {
  const task = await getTask(ctx, runId, taskId);
  await ctx.db.run(
    "UPDATE tasks SET depends_on_json = ? WHERE run_id = ? AND id = ?",
    JSON.stringify(task.depends_on),
    runId,
    taskId,
  );
  return task;
}
