import { AppError } from "../../protocol/errors.ts";
import type { Run } from "../orch_types.ts";
import type { OrchContext } from "./context.ts";

/**
 * A council counts each reviewer once: giving a council's task (retry or
 * reassign `--to`) to an agent that already reviews another of its tasks is
 * `INVALID_INPUT`, since the tally could count neither result.
 */
export async function requireDistinctReviewer(
  ctx: OrchContext,
  run: Run,
  taskId: string,
  to: string | undefined,
): Promise<void> {
  if (run.kind !== "council" || to === undefined) return;
  const other = await ctx.db.get(
    `SELECT a.task_id FROM attempts a
     WHERE a.run_id = ? AND a.task_id <> ? AND a.assigned_to = ?
       AND a.n = (SELECT MAX(n) FROM attempts b WHERE b.run_id = a.run_id AND b.task_id = a.task_id)
     LIMIT 1`,
    run.id,
    taskId,
    to,
  );
  if (other) {
    throw new AppError(
      "INVALID_INPUT",
      `"${to}" already reviews task "${
        other["task_id"]
      }" of this council, which counts each reviewer once: give task "${taskId}" to another agent`,
      { run_id: run.id, task_id: taskId, to, reviews: String(other["task_id"]) },
    );
  }
}
