import type { Run, TaskCounts } from "../orch_types.ts";
import type { OrchContext } from "./context.ts";
import { countTasks } from "./count_tasks.ts";
import { getRun } from "./get_run.ts";

/** A run and its task counts, from one read snapshot. */
export async function showRun(
  ctx: OrchContext,
  runId: string,
): Promise<{ run: Run; counts: TaskCounts }> {
  return await ctx.db.read(async () => ({
    run: await getRun(ctx, runId),
    counts: await countTasks(ctx, runId),
  }));
}
