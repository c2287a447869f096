/** The repositories a run's code attempts were dispatched in. */
import type { OrchContext } from "./context.ts";

/** Distinct `repo_path`s of the run's attempts, in first-use order. */
export async function runRepos(store: OrchContext, runId: string): Promise<string[]> {
  return (await store.db.all(
    `SELECT repo_path FROM attempts WHERE run_id = ? AND repo_path IS NOT NULL
     GROUP BY repo_path ORDER BY MIN(id)`,
    runId,
  )).map((r) => String(r["repo_path"]));
}
