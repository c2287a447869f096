/**
 * `cleanup`: removes the read-only view refs (`refs/orch-views/...`) of the
 * finished analysis attempts it cleans (the attempt or its task final), as it
 * removes the worktrees of finished code attempts. Only the ref orch named
 * for each such attempt is touched; a repository that is gone is skipped.
 */
import { viewRefFor } from "../../git/names.ts";
import { deleteRefAt, listViewRefs } from "../../git/view_refs.ts";
import { viewCandidates } from "../../store/orch/view_candidates.ts";
import type { OrchStore } from "../../store/orch_store.ts";

export interface RemovedView {
  attempt_id: number;
  task_id: string;
  attempt_n: number;
  view_ref: string;
  /** Where the ref pointed. */
  view_commit: string;
}

export async function removeFinishedViews(
  store: OrchStore,
  runId: string,
  taskId: string | undefined,
): Promise<RemovedView[]> {
  const { databaseId, attempts } = await viewCandidates(store, runId, taskId);
  const removed: RemovedView[] = [];
  const refsOf = new Map<string, Map<string, string> | null>();
  for (const a of attempts) {
    if (!refsOf.has(a.repo_path)) {
      let refs: Map<string, string> | null = null;
      try {
        refs = listViewRefs(a.repo_path);
      } catch { /* the repository is gone: nothing to remove there */ }
      refsOf.set(a.repo_path, refs);
    }
    const ref = viewRefFor({ databaseId, runId, taskId: a.task_id, attemptNumber: a.n });
    const commit = refsOf.get(a.repo_path)?.get(ref);
    if (commit === undefined) continue; // never made, or removed already
    if (deleteRefAt(a.repo_path, ref, commit)) {
      removed.push({
        attempt_id: a.attempt_id,
        task_id: a.task_id,
        attempt_n: a.n,
        view_ref: ref,
        view_commit: commit,
      });
    }
  }
  return removed;
}
