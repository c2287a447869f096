import type { StoredTaskStatus } from "../orch_types.ts";
import type { OrchContext } from "./context.ts";

/** Sets a task's stored status (inside the caller's transaction; no event). */
export async function setTaskStatus(
  ctx: OrchContext,
  input: { runId: string; taskId: string; status: StoredTaskStatus; now: string },
): Promise<void> {
  await ctx.db.run(
    "UPDATE tasks SET status = ?, updated_at = ? WHERE run_id = ? AND id = ?",
    input.status,
    input.now,
    input.runId,
    input.taskId,
  );
}
