/**
 * `cleanup --delete-branches`: deletes the branches of attempts that are over
 * and whose worktree is gone, when no commit would be lost: the branch has no
 * commits past its start (an empty attempt), or its head is in the run's
 * merge target. Anything else is kept, with the reason, unless `--force`.
 */
import { branchHead, isAncestor } from "../../git/merge.ts";
import { checkedOutBranches, deleteBranchAt } from "../../git/branches.ts";
import { runGit } from "../../git/run_git.ts";
import { branchCandidates } from "../../store/orch/branch_candidates.ts";
import type { OrchStore } from "../../store/orch_store.ts";

export interface DeletedBranch {
  attempt_id: number;
  task_id: string;
  branch_name: string;
  head_commit: string;
  /** empty: no commits past its start; merged: in the merge target; forced: --force. */
  why: "empty" | "merged" | "forced";
}

export interface KeptBranch {
  attempt_id: number;
  task_id: string;
  branch_name: string;
  head_commit: string;
  /** UNMERGED_COMMITS: commits found nowhere else; CHECKED_OUT: in use by a worktree; MOVED: changed while judged. */
  reason: "UNMERGED_COMMITS" | "CHECKED_OUT" | "MOVED";
  commits_ahead: number;
}

export async function deleteAttemptBranches(
  store: OrchStore,
  runId: string,
  taskId: string | undefined,
  force: boolean,
): Promise<{ deleted: DeletedBranch[]; kept: KeptBranch[] }> {
  const { attempts, mergeTarget } = await branchCandidates(store, runId, taskId);
  const deleted: DeletedBranch[] = [];
  const kept: KeptBranch[] = [];
  const checkedOut = new Map<string, Set<string>>();
  for (const a of attempts) {
    const repo = a.repo_path!;
    const branch = a.branch_name!;
    const head = branchHead(repo, branch);
    if (head === null) continue; // already gone
    const start = a.start_commit ?? a.base_commit!;
    const ahead = head === start ? 0 : _countAhead(repo, start, head);
    const base = { attempt_id: a.id, task_id: a.task_id, branch_name: branch, head_commit: head };
    if (!checkedOut.has(repo)) checkedOut.set(repo, checkedOutBranches(repo));
    if (checkedOut.get(repo)!.has(`refs/heads/${branch}`)) {
      kept.push({ ...base, reason: "CHECKED_OUT", commits_ahead: ahead });
      continue;
    }
    const target = mergeTarget === null ? null : branchHead(repo, mergeTarget);
    const why: DeletedBranch["why"] | null = ahead === 0
      ? "empty"
      : target !== null && isAncestor(repo, head, target)
      ? "merged"
      : force
      ? "forced"
      : null;
    if (why === null) {
      kept.push({ ...base, reason: "UNMERGED_COMMITS", commits_ahead: ahead });
      continue;
    }
    if (deleteBranchAt(repo, branch, head)) deleted.push({ ...base, why });
    else kept.push({ ...base, reason: "MOVED", commits_ahead: ahead });
  }
  return { deleted, kept };
}

function _countAhead(repo: string, from: string, to: string): number {
  return Number(runGit(["rev-list", "--count", `${from}..${to}`], { cwd: repo }).stdout.trim());
}
