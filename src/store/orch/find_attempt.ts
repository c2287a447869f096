/**
 * One attempt of a task by number (default: the latest), in a read
 * transaction.
 */
import { AppError } from "../../protocol/errors.ts";
import { iso } from "../clock.ts";
import type { OrchContext } from "./context.ts";
import type { Attempt } from "../orch_types.ts";
import { ATTEMPT_SELECT, attemptFromRow } from "./attempt_row.ts";
import { getTask } from "./get_task.ts";

/**
 * Attempt `n` of the task (the latest when `n` is undefined). Throws
 * `RUN_NOT_FOUND`, `TASK_NOT_FOUND`, or `ATTEMPT_NOT_FOUND` (never dispatched,
 * or no attempt `n`).
 */
export async function findAttempt(
  store: OrchContext,
  runId: string,
  taskId: string,
  n?: number,
): Promise<Attempt> {
  return await store.db.read(async () => {
    await getTask(store, runId, taskId);
    const row = n === undefined
      ? await store.db.get(
        `${ATTEMPT_SELECT} WHERE a.run_id = ? AND a.task_id = ? ORDER BY a.n DESC LIMIT 1`,
        runId,
        taskId,
      )
      : await store.db.get(
        `${ATTEMPT_SELECT} WHERE a.run_id = ? AND a.task_id = ? AND a.n = ?`,
        runId,
        taskId,
        n,
      );
    if (!row) {
      throw new AppError(
        "ATTEMPT_NOT_FOUND",
        n === undefined
          ? `Task "${taskId}" of run "${runId}" was never dispatched`
          : `Task "${taskId}" of run "${runId}" has no attempt ${n}`,
        { run_id: runId, task_id: taskId, ...(n === undefined ? {} : { attempt_n: n }) },
      );
    }
    return attemptFromRow(row, iso(store.clock.now()));
  });
}
