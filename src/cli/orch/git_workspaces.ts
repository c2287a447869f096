import { resolve } from "node:path";
import {
  branchNameFor,
  createWorktree,
  discoverRepo,
  removeWorktree,
  resolveBase,
  runGit,
  worktreePathFor,
  worktreeState,
} from "../../git/mod.ts";
import type { Workspace, WorkspaceProvider, WorkspaceRequest } from "../../store/orch_types.ts";

/** Default workspace root, relative to the repository's top level. */
export const DEFAULT_WORKSPACE_ROOT = ".orch/worktrees";

/**
 * The git-backed workspace provider: one branch and one fresh worktree per
 * attempt, from a committed base. `dbPath` is left out of the dirty check so
 * a database kept inside the repository does not make it dirty.
 */
export function gitWorkspaces(options: { dbPath?: string | undefined } = {}): WorkspaceProvider {
  return {
    create(req: WorkspaceRequest): Workspace {
      const repo = discoverRepo(resolve(req.repoPath ?? Deno.cwd()));
      const root = resolve(repo, req.workspaceRoot ?? DEFAULT_WORKSPACE_ROOT);
      const ignorePaths = [root];
      if (options.dbPath) {
        const db = resolve(options.dbPath);
        ignorePaths.push(db, `${db}-wal`, `${db}-shm`, `${db}-journal`);
      }
      const base = req.baseCommit
        ? resolveBase(repo, { baseRef: req.baseCommit, ignorePaths })
        : resolveBase(repo, {
          ...(req.baseRef !== undefined ? { baseRef: req.baseRef } : {}),
          ignorePaths,
        });
      const ids = { runId: req.runId, taskId: req.taskId, attemptNumber: req.attemptNumber };
      const branch = branchNameFor(ids);
      const path = worktreePathFor(root, ids);
      createWorktree({ repo, branch, path, commit: base.baseCommit });
      return {
        repo_path: repo,
        base_ref: req.baseCommit ? (req.baseRef ?? base.baseRef) : base.baseRef,
        base_commit: base.baseCommit,
        branch_name: branch,
        worktree_path: path,
      };
    },
    discard(ws: Workspace): void {
      removeWorktree({ repo: ws.repo_path, path: ws.worktree_path, force: true });
      runGit(["update-ref", "-d", `refs/heads/${ws.branch_name}`], { cwd: ws.repo_path });
    },
    state: worktreeState,
    remove(repoPath: string, worktreePath: string, force: boolean): void {
      removeWorktree({ repo: repoPath, path: worktreePath, force });
    },
  };
}
