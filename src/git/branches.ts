/**
 * Deleting attempt branches without ever losing a commit that is not
 * somewhere else: the deletion is a compare-and-swap on the head that was
 * judged.
 *
 * @module
 */

import { runGit } from "./run_git.ts";
import { parseWorktreeList } from "./worktree.ts";

/** Branches (full refs) checked out in any worktree of `repo`. */
export function checkedOutBranches(repo: string): Set<string> {
  return new Set(
    parseWorktreeList(runGit(["worktree", "list", "--porcelain", "-z"], { cwd: repo }).stdout)
      .map((e) => e.branch).filter((b): b is string => b !== null),
  );
}

/**
 * Deletes `refs/heads/<branch>` only if it still points at `head`
 * (`git update-ref -d REF OLD`). Returns false, deleting nothing, otherwise.
 */
export function deleteBranchAt(repo: string, branch: string, head: string): boolean {
  return runGit(["update-ref", "-d", `refs/heads/${branch}`, head], {
    cwd: repo,
    allowCodes: [1, 128],
  }).code === 0;
}
