import type { Db } from "../../storage/db.ts";
import { AppError } from "../../protocol/errors.ts";
import { appendEvent } from "../append_event.ts";

/**
 * Records the dependencies of a task being added, inside the caller's write
 * transaction (`orch task add --depends-on A,B`). Each must be another task
 * of the run; repeats count once. A task that nothing depends on yet cannot
 * close a cycle, so only a dependency on itself is refused. Throws (and the
 * caller's transaction rolls back) on the first bad id: nothing is written.
 */
export async function insertNewTaskDeps(
  db: Db,
  input: { runId: string; taskId: string; dependsOn: readonly string[]; now: string },
): Promise<string[]> {
  const added: string[] = [];
  for (const dep of input.dependsOn) {
    if (added.includes(dep)) continue;
    if (dep === input.taskId) {
      throw new AppError(
        "DEPENDENCY_CYCLE",
        `Task "${input.taskId}" cannot depend on itself`,
        { run_id: input.runId, task_id: input.taskId, cycle: [input.taskId, input.taskId] },
      );
    }
    if (!await db.get("SELECT 1 FROM tasks WHERE run_id = ? AND id = ?", input.runId, dep)) {
      throw new AppError(
        "TASK_NOT_FOUND",
        `Task "${input.taskId}" cannot depend on "${dep}": run "${input.runId}" has no such task`,
        { run_id: input.runId, task_id: dep },
      );
    }
    await db.run(
      "INSERT INTO deps (run_id, task_id, depends_on) VALUES (?, ?, ?)",
      input.runId,
      input.taskId,
      dep,
    );
    await appendEvent(db, {
      ts: input.now,
      type: "dep_added",
      runId: input.runId,
      taskId: input.taskId,
      payload: { depends_on: dep },
    });
    added.push(dep);
  }
  return added;
}
