/**
 * Pure rule: is a done code attempt's result accepted? No database, no git:
 * the inspection is read beforehand, outside any transaction.
 */
import type { AttemptInspection, AttemptResultStatus, AttentionReason } from "../orch_types.ts";

/** The verdict on a done code attempt. */
export interface Judgement {
  status: AttemptResultStatus;
  reason: AttentionReason | null;
}

/**
 * Accepted when the worktree is clean, still on the attempt's branch, and the
 * branch has at least one commit past its starting point. `noChanges` (the
 * worker's `done --no-changes`) accepts a clean attempt without commits as
 * "no change was needed"; commits, when there are some, count as a result.
 * Checked in this order, so the most urgent problem is the one reported:
 * uncommitted work first (it is the only thing that can be lost).
 */
export function judgeAttempt(i: AttemptInspection, noChanges: boolean): Judgement {
  if (i.tampered) return { status: "needs_attention", reason: "WORKSPACE_TAMPERED" };
  if (i.worktree === "dirty") return { status: "needs_attention", reason: "UNCOMMITTED_CHANGES" };
  if (i.head_commit === null) return { status: "needs_attention", reason: "BRANCH_MISSING" };
  if (!i.on_branch) return { status: "needs_attention", reason: "WRONG_BRANCH" };
  if (i.commits_ahead > 0) return { status: "accepted", reason: null };
  if (noChanges) return { status: "no_changes", reason: null };
  return { status: "needs_attention", reason: "NO_COMMITS" };
}

/** A sentence for the leader: why the attempt needs attention and what to do. */
export function attentionMessage(reason: AttentionReason, worktree: string | null): string {
  switch (reason) {
    case "UNCOMMITTED_CHANGES":
      return `The worker finished with uncommitted changes in "${worktree}": commit them there (the task is then accepted on the next reconcile) or retry the task`;
    case "NO_COMMITS":
      return `The worker finished without committing anything: retry the task, or have the worker finish with "done --no-changes" if no change was needed (a worker on another host: "orch collect" its branch first)`;
    case "WRONG_BRANCH":
      return `The worktree "${worktree}" no longer has the attempt's branch checked out: check out the branch again there, or retry the task`;
    case "BRANCH_MISSING":
      return `The attempt's branch no longer exists: retry the task`;
    case "WORKSPACE_TAMPERED":
      return `The worktree "${worktree}" is no longer the one git made (its .git was replaced): orch runs no git there; inspect it yourself, then retry the task`;
  }
}
