import type { OrchStore } from "../orch_store.ts";
import type { Attempt, Task } from "../orch_types.ts";

/** A task and all its attempts, first to latest (TASK_NOT_FOUND / RUN_NOT_FOUND when missing). */
export function taskAttempts(
  store: OrchStore,
  runId: string,
  taskId: string,
): { task: Task; attempts: Attempt[] } {
  return store.db.read(() => {
    store.getRun(runId);
    const task = store.getTask(runId, taskId);
    const attempts = store.db.all(
      "SELECT id FROM attempts WHERE run_id = ? AND task_id = ? ORDER BY n",
      runId,
      taskId,
    ).map((r) => store.getAttempt(Number(r["id"])));
    return { task, attempts };
  });
}
