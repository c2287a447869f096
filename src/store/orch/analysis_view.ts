/**
 * What an analysis task is told to read (stacked dispatch, analysis side):
 * the repository, and its dependencies' work integrated on its HEAD as a
 * commit kept under a read-only ref. Runs git through the workspace
 * provider: call it outside any write transaction.
 *
 * @module
 */
import type { Db } from "../../db/db.ts";
import type { IntegratedView, WorkspaceProvider } from "../orch_types.ts";
import { type StackDep, stackDeps } from "./stack_deps.ts";

/** An integrated view and the dependencies it holds. */
export interface AnalysisView extends IntegratedView {
  stack: StackDep[];
}

/**
 * The view of `taskId` in `repoPath` (default: the repository of its first
 * included dependency), or undefined when there is nothing to show (no done
 * code dependency and no `repoPath`) or no git. `fromBase`: the bare HEAD,
 * without the dependencies' work. Only dependencies of that repository are
 * stacked when the repository is not given.
 */
export function analysisView(
  db: Db,
  provider: WorkspaceProvider | undefined,
  input: { runId: string; taskId: string; repoPath?: string | undefined; fromBase?: boolean },
): AnalysisView | undefined {
  if (!provider) return undefined;
  const { stack, repo } = db.read(() => {
    const all = input.fromBase ? [] : stackDeps(db, input.runId, input.taskId);
    const repoOf = (d: StackDep) =>
      String(db.get("SELECT repo_path FROM attempts WHERE id = ?", d.attempt_id)?.["repo_path"]);
    if (input.repoPath !== undefined) return { stack: all, repo: input.repoPath };
    const first = all[0] ? repoOf(all[0]) : undefined;
    return { stack: all.filter((d) => repoOf(d) === first), repo: first };
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
export function analysisNeedsGit(
  db: Db,
  input: { runId: string; taskId: string; repoPath?: string | undefined; fromBase?: boolean },
): boolean {
  if (input.repoPath !== undefined) return true;
  return !input.fromBase && db.read(() => stackDeps(db, input.runId, input.taskId).length > 0);
}
