import { AppError } from "../../protocol/errors.ts";
import { appendEvent } from "../append_event.ts";
import type { Task } from "../orch_types.ts";
import { nowIso, type OrchContext } from "./context.ts";
import { dependencyPath } from "./dependency_path.ts";
import { getRun } from "./get_run.ts";
import { getTask } from "./get_task.ts";
import { requireActiveRun } from "./require_active_run.ts";

/**
 * Records that `taskId` depends on `dependsOn`. Both must exist; the task
 * must not have started; a dependency that would close a cycle is
 * refused and nothing is written. Adding an existing edge changes nothing.
 */
export async function addDep(
  ctx: OrchContext,
  input: { runId: string; taskId: string; dependsOn: string },
): Promise<{ task: Task; created: boolean }> {
  return await ctx.db.write(async () => {
    requireActiveRun(await getRun(ctx, input.runId));
    const task = await getTask(ctx, input.runId, input.taskId);
    await getTask(ctx, input.runId, input.dependsOn);
    if (
      await ctx.db.get(
        "SELECT 1 FROM deps WHERE run_id = ? AND task_id = ? AND depends_on = ?",
        input.runId,
        input.taskId,
        input.dependsOn,
      )
    ) return { task, created: false };
    if (task.status !== "pending" && task.status !== "ready") {
      throw new AppError(
        "INVALID_STATE",
        `Task "${input.taskId}" is already ${task.status}: dependencies can only be added before dispatch`,
        { run_id: input.runId, task_id: input.taskId, status: task.status },
      );
    }
    // A cycle exists if taskId is reachable from dependsOn through existing edges.
    const path = await dependencyPath(ctx, {
      runId: input.runId,
      from: input.dependsOn,
      to: input.taskId,
    });
    if (path) {
      throw new AppError(
        "DEPENDENCY_CYCLE",
        `Task "${input.taskId}" cannot depend on "${input.dependsOn}": that would close the cycle ${
          [input.taskId, ...path].join(" -> ")
        }`,
        {
          run_id: input.runId,
          task_id: input.taskId,
          depends_on: input.dependsOn,
          cycle: [input.taskId, ...path],
        },
      );
    }
    const now = nowIso(ctx);
    await ctx.db.run(
      "INSERT INTO deps (run_id, task_id, depends_on) VALUES (?, ?, ?)",
      input.runId,
      input.taskId,
      input.dependsOn,
    );
    await ctx.db.run(
      "UPDATE tasks SET updated_at = ? WHERE run_id = ? AND id = ?",
      now,
      input.runId,
      input.taskId,
    );
    await appendEvent(ctx.db, {
      ts: now,
      type: "dep_added",
      runId: input.runId,
      taskId: input.taskId,
      payload: { depends_on: input.dependsOn },
    });
    return { task: await getTask(ctx, input.runId, input.taskId), created: true };
  });
}
