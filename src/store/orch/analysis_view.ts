/**
 * What an analysis task is told to read (stacked dispatch, analysis side):
 * the repository, and its dependencies' work integrated on its HEAD as a
 * commit kept under a read-only ref. Runs git through the workspace
 * provider: call it outside any write transaction.
 *
 * @module
 */
import type { Db } from "../../storage/db.ts";
import type { IntegratedView, WorkspaceProvider } from "../orch_types.ts";
import { mapSeq } from "../map_seq.ts";
import { type StackDep, stackDeps } from "./stack_deps.ts";

/** An integrated view and the dependencies it holds. */
export interface AnalysisView extends IntegratedView {
  stack: StackDep[];
}

/**
 * The view of `taskId` in `repoPath` (default: the repository of its first
 * included dependency), or undefined when there is nothing to show (no done
 * code dependency and no `repoPath`) or no git. `fromBase`: the bare HEAD,
 * without the dependencies' work. Only the dependencies of that repository
 * are stacked.
 */
export async function analysisView(
  db: Db,
  provider: WorkspaceProvider | undefined,
  input: { runId: string; taskId: string; repoPath?: string | undefined; fromBase?: boolean },
): Promise<AnalysisView | undefined> {
  if (!provider) return undefined;
  // The repository: the one given (its top level, as attempts record theirs; git, so before the
  // read), else that of the first dependency. Only dependencies of that repository are stacked.
  const given = input.repoPath !== undefined ? provider.repoRoot(input.repoPath) : undefined;
  const { stack, repo } = await db.read(async () => {
    const all = input.fromBase ? [] : await stackDeps(db, input.runId, input.taskId);
    const repoOf = async (d: StackDep) =>
      String(
        (await db.get("SELECT repo_path FROM attempts WHERE id = ?", d.attempt_id))?.["repo_path"],
      );
    const repos = await mapSeq(all, repoOf);
    const repo = given ?? repos[0];
    return { stack: all.filter((_, i) => repos[i] === repo), repo };
  });
  if (repo === undefined) return undefined;
  const view = provider.integratedView({
    repoPath: repo,
    stack,
    label: `${input.runId}/${input.taskId}`,
  });
  return { ...view, stack };
}

/** Whether an analysis dispatch of the task has a view to make (so needs git). */
export async function analysisNeedsGit(
  db: Db,
  input: { runId: string; taskId: string; repoPath?: string | undefined; fromBase?: boolean },
): Promise<boolean> {
  if (input.repoPath !== undefined) return true;
  return !input.fromBase &&
    await db.read(async () => (await stackDeps(db, input.runId, input.taskId)).length > 0);
}
