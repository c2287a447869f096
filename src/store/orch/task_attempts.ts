import { mapSeq } from "../map_seq.ts";
import type { OrchContext } from "./context.ts";
import type { Attempt, Task } from "../orch_types.ts";
import { getAttempt } from "./get_attempt.ts";
import { getRun } from "./get_run.ts";
import { getTask } from "./get_task.ts";

/** A task and all its attempts, first to latest (TASK_NOT_FOUND / RUN_NOT_FOUND when missing). */
export async function taskAttempts(
  store: OrchContext,
  runId: string,
  taskId: string,
): Promise<{ task: Task; attempts: Attempt[] }> {
  return await store.db.read(async () => {
    await getRun(store, runId);
    const task = await getTask(store, runId, taskId);
    const rows = await store.db.all(
      "SELECT id FROM attempts WHERE run_id = ? AND task_id = ? ORDER BY n",
      runId,
      taskId,
    );
    const attempts = await mapSeq(rows, (r) => getAttempt(store, Number(r["id"])));
    return { task, attempts };
  });
}
