/**
 * Git helpers for code-mode dispatch and cleanup: repository discovery, base
 * resolution, attempt branch and worktree naming, worktree lifecycle.
 *
 * Everything is synchronous; nothing here may be called inside a write
 * transaction.
 *
 * @module
 */

export {
  GIT_SUBCOMMANDS,
  type GitResult,
  NO_HOOKS_PATH,
  runGit,
  type RunGitOptions,
} from "./run_git.ts";
export { verifyWorktreeLink } from "./worktree_link.ts";
export {
  type CleanOptions,
  discoverRepo,
  isRepoClean,
  type RepoObjects,
  repoObjects,
  resolveBase,
  type ResolveBaseOptions,
  type ResolvedBase,
} from "./repo.ts";
export {
  type AttemptIds,
  branchNameFor,
  sanitizeSegment,
  viewRefFor,
  worktreePathFor,
} from "./names.ts";
export {
  checkWorktree,
  createWorktree,
  type CreateWorktreeOptions,
  listWorktrees,
  makeWorktree,
  parseWorktreeList,
  removeWorktree,
  type RemoveWorktreeOptions,
  type WorktreeEntry,
  type WorktreeState,
  worktreeState,
} from "./worktree.ts";
