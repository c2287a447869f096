import { isAbsolute, join, relative, resolve } from "node:path";
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
import { inspectAttempt } from "../../git/inspect.ts";
import { mergeInWorktree } from "../../git/merge.ts";
import type {
  Attempt,
  AttemptInspection,
  Workspace,
  WorkspaceProvider,
  WorkspaceRequest,
} from "../../store/orch_types.ts";

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
      excludeFromStatus(repo, root);
      _reclaimLeftovers(repo, branch, path, base.baseCommit);
      createWorktree({ repo, branch, path, commit: base.baseCommit });
      const ws: Workspace = {
        repo_path: repo,
        base_ref: req.baseCommit ? (req.baseRef ?? base.baseRef) : base.baseRef,
        base_commit: base.baseCommit,
        branch_name: branch,
        worktree_path: path,
      };
      if (req.conflictMerge) {
        try {
          const conflicts = mergeInWorktree(
            path,
            req.conflictMerge.commit,
            req.conflictMerge.message,
            true,
          );
          ws.conflicts = conflicts;
          if (conflicts.length === 0) {
            ws.start_commit = runGit(["rev-parse", "HEAD"], { cwd: path }).stdout.trim();
          }
        } catch (err) {
          this.discard(ws);
          throw err;
        }
      }
      return ws;
    },
    discard(ws: Workspace): void {
      removeWorktree({ repo: ws.repo_path, path: ws.worktree_path, force: true });
      runGit(["update-ref", "-d", `refs/heads/${ws.branch_name}`], { cwd: ws.repo_path });
    },
    state: worktreeState,
    remove(repoPath: string, worktreePath: string, force: boolean): void {
      removeWorktree({ repo: repoPath, path: worktreePath, force });
    },
    inspect(a: Attempt): AttemptInspection {
      return inspectAttempt({
        repo: a.repo_path!,
        worktree: a.worktree_path!,
        branch: a.branch_name!,
        baseCommit: a.start_commit ?? a.base_commit!,
      });
    },
  };
}

/**
 * A dispatch killed between `git worktree add` and its commit leaves a
 * worktree and branch that no attempt records (attempt n is new inside the
 * dispatch transaction, so nothing can refer to them). Reclaim them when they
 * hold no work: a clean worktree, a branch with no commits past the base.
 * Anything else is left alone and createWorktree reports the collision.
 */
function _reclaimLeftovers(repo: string, branch: string, path: string, baseCommit: string): void {
  if (worktreeState(path) === "clean") removeWorktree({ repo, path, force: false });
  const ref = `refs/heads/${branch}`;
  if (
    runGit(["rev-parse", "--verify", "--quiet", ref], { cwd: repo, allowCodes: [1] }).code !== 0
  ) return;
  const ahead = runGit(["rev-list", "--count", `${baseCommit}..${ref}`], { cwd: repo }).stdout
    .trim();
  const checkedOut = runGit(["worktree", "list", "--porcelain"], { cwd: repo }).stdout
    .split("\n").includes(`branch ${ref}`);
  if (ahead === "0" && !checkedOut) runGit(["update-ref", "-d", ref], { cwd: repo });
}

/**
 * Keeps a workspace root that lies inside the repository out of the user's
 * `git status` (an entry in the repository's own info/exclude, added once).
 */
export function excludeFromStatus(repo: string, root: string): void {
  const rel = relative(repo, root);
  if (!rel || rel.startsWith("..") || isAbsolute(rel)) return;
  const common = resolve(
    repo,
    runGit(["rev-parse", "--git-common-dir"], { cwd: repo }).stdout.trim(),
  );
  const file = join(common, "info", "exclude");
  const entry = `/${rel.split("\\").join("/")}/`;
  let text = "";
  try {
    text = Deno.readTextFileSync(file);
  } catch { /* no exclude file yet */ }
  if (text.split("\n").some((l) => l.trim() === entry)) return;
  Deno.mkdirSync(join(common, "info"), { recursive: true });
  Deno.writeTextFileSync(file, `${text}${text && !text.endsWith("\n") ? "\n" : ""}${entry}\n`);
}
