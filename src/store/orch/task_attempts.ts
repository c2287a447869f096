import { mapSeq } from "../map_seq.ts";
import type { OrchStore } from "../orch_store.ts";
import type { Attempt, Task } from "../orch_types.ts";

/** A task and all its attempts, first to latest (TASK_NOT_FOUND / RUN_NOT_FOUND when missing). */
export async function taskAttempts(
  store: OrchStore,
  runId: string,
  taskId: string,
): Promise<{ task: Task; attempts: Attempt[] }> {
  return await store.db.read(async () => {
    await store.getRun(runId);
    const task = await store.getTask(runId, taskId);
    const rows = await store.db.all(
      "SELECT id FROM attempts WHERE run_id = ? AND task_id = ? ORDER BY n",
      runId,
      taskId,
    );
    const attempts = await mapSeq(rows, (r) => store.getAttempt(Number(r["id"])));
    return { task, attempts };
  });
}
