import { attemptsToVerify } from "./accept_attempt.ts";
import { nowIso, type OrchContext } from "./context.ts";

/**
 * Whether reconciling the run now needs git: a code attempt whose worker
 * finished and whose result is not settled. A cheap read, so commands that
 * otherwise need no git load it only then.
 */
export async function needsGit(ctx: OrchContext, runId: string): Promise<boolean> {
  return await ctx.db.read(async () => {
    const run = await ctx.db.get("SELECT reconciled_event_id FROM runs WHERE id = ?", runId);
    if (!run) return false;
    return (await attemptsToVerify(
      ctx.db,
      runId,
      Number(run["reconciled_event_id"]),
      nowIso(ctx),
    ))
      .length > 0;
  });
}
