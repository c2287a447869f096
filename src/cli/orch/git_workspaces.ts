import { dirname, isAbsolute, join, relative, resolve } from "../../path.ts";
import { tryLockFile } from "../../git/file_lock.ts";
import {
  branchNameFor,
  checkWorktree,
  discoverRepo,
  listWorktrees,
  makeWorktree,
  removeWorktree,
  repoObjects,
  resolveBase,
  runGit,
  verifyWorktreeLink,
  viewRefFor,
  worktreePathFor,
  worktreeState,
} from "../../git/mod.ts";
import { inspectAttempt } from "../../git/inspect.ts";
import { AppError } from "../../protocol/errors.ts";
import { branchHead, mergeInWorktree } from "../../git/merge.ts";
import { stackCommits } from "../../git/stack.ts";
import { WAKE_SUFFIX } from "../../storage/sqlite/wake_file.ts";
import type {
  Attempt,
  AttemptInspection,
  IncludedDep,
  IntegratedView,
  PlannedWorkspace,
  Workspace,
  WorkspaceBase,
  WorkspaceIds,
  WorkspaceProvider,
  WorkspaceRequest,
} from "../../store/orch_types.ts";

/** Default workspace root, relative to the repository's top level. */
export const DEFAULT_WORKSPACE_ROOT = ".orch/worktrees";

/** Where the workspace lock files live, inside the repository's common git directory. */
const _LOCK_DIR = "orch/locks";

/**
 * The git-backed workspace provider: one branch and one fresh worktree per
 * attempt, from a committed base. `dbPath` is left out of the dirty check so
 * a database kept inside the repository does not make it dirty. `runHooks`
 * lets `git worktree add` run the repository's hooks (`--run-hooks`).
 */
export function gitWorkspaces(
  options: { dbPath?: string | undefined; runHooks?: boolean } = {},
): WorkspaceProvider {
  return {
    resolve(req: WorkspaceRequest): WorkspaceBase {
      const repo = discoverRepo(resolve(req.repoPath ?? Deno.cwd()));
      const root = resolve(repo, req.workspaceRoot ?? DEFAULT_WORKSPACE_ROOT);
      const ignorePaths = [root];
      if (options.dbPath) {
        const db = resolve(options.dbPath);
        ignorePaths.push(db, `${db}-wal`, `${db}-shm`, `${db}-journal`, `${db}${WAKE_SUFFIX}`);
      }
      const base = req.baseCommit
        ? resolveBase(repo, { baseRef: req.baseCommit, ignorePaths })
        : resolveBase(repo, {
          ...(req.baseRef !== undefined ? { baseRef: req.baseRef } : {}),
          ignorePaths,
        });
      const common = _commonDir(repo);
      _excludeFromStatus(repo, common, root);
      // Carried forward: the previous head. Stacked: the base merged in core with each
      // dependency's commit (a conflict throws MERGE_CONFLICT before anything is made).
      let start = base.baseCommit;
      let included: IncludedDep[] = [];
      if (req.startFrom) {
        start = _commit(repo, req.startFrom.commit);
        included = [...req.startFrom.includedDeps];
      } else if (req.stack?.length) {
        start = stackCommits(repo, base.baseCommit, req.stack, req.label ?? "the task");
        included = req.stack.map((d) => ({
          task_id: d.task_id,
          attempt_id: d.attempt_id,
          branch_name: d.branch_name,
          head_commit: d.head_commit,
        }));
      }
      return {
        repo_path: repo,
        workspace_root: root,
        base_ref: req.baseCommit ? (req.baseRef ?? base.baseRef) : base.baseRef,
        base_commit: base.baseCommit,
        lock_dir: join(common, _LOCK_DIR),
        ...(req.conflictMerge ? { conflict_merge: req.conflictMerge } : {}),
        ...(start !== base.baseCommit ? { start_commit: start } : {}),
        ...(included.length ? { included_deps: included } : {}),
      };
    },
    plan(base: WorkspaceBase, ids: WorkspaceIds): PlannedWorkspace {
      const branch = branchNameFor(ids);
      return {
        repo_path: base.repo_path,
        base_ref: base.base_ref,
        base_commit: base.base_commit,
        branch_name: branch,
        worktree_path: worktreePathFor(base.workspace_root, ids),
        lock_path: _lockPath(base.lock_dir, branch),
        ...(base.conflict_merge ? { conflict_merge: base.conflict_merge } : {}),
        ...(base.start_commit ? { start_commit: base.start_commit } : {}),
        ...(base.included_deps ? { included_deps: base.included_deps } : {}),
      };
    },
    tryLock: tryLockFile,
    async create(ws: PlannedWorkspace, starting: () => Promise<void>): Promise<Workspace> {
      const checked = checkWorktree({
        repo: ws.repo_path,
        branch: ws.branch_name,
        path: ws.worktree_path,
        commit: ws.start_commit ?? ws.base_commit,
        runHooks: options.runHooks === true,
      });
      // Recorded (committed) before git makes anything, so a crash from here on is recognised.
      await starting();
      makeWorktree(checked);
      const made: Workspace = {
        repo_path: ws.repo_path,
        base_ref: ws.base_ref,
        base_commit: ws.base_commit,
        branch_name: ws.branch_name,
        worktree_path: ws.worktree_path,
        ...(ws.start_commit ? { start_commit: ws.start_commit } : {}),
        ...(ws.included_deps ? { included_deps: ws.included_deps } : {}),
      };
      if (ws.conflict_merge) {
        // Retry after a merge conflict: the previous head merged in (a conflict is left for
        // the worker). On failure the caller discards the workspace.
        const conflicts = mergeInWorktree(
          ws.worktree_path,
          ws.conflict_merge.commit,
          ws.conflict_merge.message,
          true,
        );
        made.conflicts = conflicts;
        if (conflicts.length === 0) {
          made.start_commit = runGit(["rev-parse", "HEAD"], { cwd: ws.worktree_path }).stdout
            .trim();
        }
      }
      return made;
    },
    discard(ws: Workspace): void {
      _discard(ws);
    },
    state(repoPath: string, worktreePath: string) {
      if (!_lexists(worktreePath)) return "missing";
      verifyWorktreeLink(_commonDir(repoPath), worktreePath);
      return worktreeState(worktreePath);
    },
    remove(repoPath: string, worktreePath: string, force: boolean): void {
      if (_lexists(worktreePath)) verifyWorktreeLink(_commonDir(repoPath), worktreePath);
      removeWorktree({ repo: repoPath, path: worktreePath, force });
    },
    lockPathOf(ws: Workspace): string {
      return _lockPath(join(_commonDir(ws.repo_path), _LOCK_DIR), ws.branch_name);
    },
    branchHead(repoPath: string, branch: string): string | null {
      return branchHead(repoPath, branch);
    },
    integratedView(req): IntegratedView {
      const repo = discoverRepo(resolve(req.repoPath));
      // HEAD's commit: the view is never checked out, so a dirty checkout does not matter.
      const base = resolveBase(repo, { baseRef: "HEAD" });
      return {
        repo_path: repo,
        base_ref: base.baseRef,
        base_commit: base.baseCommit,
        commit: req.stack.length
          ? stackCommits(repo, base.baseCommit, req.stack, req.label)
          : base.baseCommit,
      };
    },
    repoRoot: (path: string) => discoverRepo(resolve(path)),
    viewRef: viewRefFor,
    keepRef(repoPath: string, ref: string, commit: string): void {
      runGit(["update-ref", ref, commit], { cwd: repoPath });
    },
    inspect(a: Attempt): AttemptInspection {
      if (_lexists(a.worktree_path!)) {
        try {
          verifyWorktreeLink(_commonDir(a.repo_path!), a.worktree_path!);
        } catch (err) {
          if (!(err instanceof AppError && err.code === "WORKSPACE_TAMPERED")) throw err;
          return {
            worktree: "dirty",
            dirty_paths: [],
            on_branch: false,
            head_commit: null,
            commits_ahead: 0,
            files_changed: 0,
            tampered: true,
          };
        }
      }
      return inspectAttempt({
        repo: a.repo_path!,
        worktree: a.worktree_path!,
        branch: a.branch_name!,
        baseCommit: a.start_commit ?? a.base_commit!,
      });
    },
  };
}

/** The full id of the commit `rev` names; `BASE_REF_NOT_FOUND` when it names none. */
function _commit(repo: string, rev: string): string {
  const r = runGit(["rev-parse", "--verify", "--quiet", `${rev}^{commit}`], {
    cwd: repo,
    allowCodes: [1],
  });
  if (r.code !== 0) {
    throw new AppError("BASE_REF_NOT_FOUND", `Commit "${rev}" does not exist in "${repo}"`, {
      repo_path: repo,
      ref: rev,
    });
  }
  return r.stdout.trim();
}

/** Branch segments are [A-Za-z0-9._-], so "+" keeps distinct branches distinct. */
function _lockPath(lockDir: string, branch: string): string {
  return join(lockDir, `${branch.split("/").join("+")}.lock`);
}

function _lexists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function _commonDir(repo: string): string {
  return repoObjects(repo).commonDir;
}

/**
 * Removes the worktree and branch of a dispatch that never committed, in
 * whatever state a kill left them. The caller proved they are ours (its
 * reservation found the path and branch free, under its lock, before git
 * made them) and that no live process works on them (the lock was free), so
 * no worker ever saw them. Still, only what git registered at this exact
 * path is removed, plus the path itself when it is an empty directory;
 * anything else there is left alone (and the next create of that path then
 * fails for a person to look at).
 */
function _discard(ws: Workspace): void {
  const repo = ws.repo_path;
  const path = resolve(ws.worktree_path);
  const common = _commonDir(repo);
  const admins = _adminDirsFor(common, path);
  let stat: Deno.FileInfo | null = null;
  try {
    stat = Deno.lstatSync(path);
  } catch { /* not there */ }
  if (stat?.isDirectory && admins.length > 0) {
    Deno.removeSync(path, { recursive: true });
  } else if (stat?.isDirectory && _isEmptyDir(path)) {
    Deno.removeSync(path);
  }
  for (const admin of admins) Deno.removeSync(admin, { recursive: true });
  // A git killed while creating the branch leaves its ref lock behind, and every later
  // `worktree add -b` of this branch fails on it. The branch is ours (see the reservation):
  // so is its lock.
  try {
    Deno.removeSync(join(common, "refs", "heads", `${ws.branch_name}.lock`));
  } catch { /* none */ }
  // Only while it still points where it started: `update-ref -d <ref> <old>` checks that
  // atomically.
  const ref = `refs/heads/${ws.branch_name}`;
  const start = ws.start_commit ?? ws.base_commit;
  const tip = runGit(["rev-parse", "--verify", "--quiet", ref], { cwd: repo, allowCodes: [1] });
  if (tip.code === 0 && tip.stdout.trim() === start && !_checkedOut(repo, ref)) {
    runGit(["update-ref", "-d", ref, start], { cwd: repo, allowCodes: [1] });
  }
}

/** The worktree admin directories (`<common>/worktrees/<name>`) whose `gitdir` names `path`. */
function _adminDirsFor(common: string, path: string): string[] {
  const dir = join(common, "worktrees");
  const want = join(path, ".git");
  const found: string[] = [];
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(dir)];
  } catch {
    return found;
  }
  for (const e of entries) {
    if (!e.isDirectory) continue;
    const admin = join(dir, e.name);
    let gitdir: string;
    try {
      gitdir = Deno.readTextFileSync(join(admin, "gitdir")).trim();
    } catch {
      continue; // half-made by someone: cannot tell whose, so not ours to remove
    }
    if (gitdir === want || resolve(dirname(gitdir)) === path) found.push(admin);
  }
  return found;
}

function _isEmptyDir(path: string): boolean {
  for (const _ of Deno.readDirSync(path)) return false;
  return true;
}

function _checkedOut(repo: string, ref: string): boolean {
  return listWorktrees(repo).some((e) => e.branch === ref);
}

/**
 * Keeps a workspace root that lies inside the repository out of the user's
 * `git status` (an entry in the repository's own info/exclude, added once).
 */
/** {@linkcode _excludeFromStatus}, finding the common git directory itself. */
export function excludeFromStatus(repo: string, root: string): void {
  _excludeFromStatus(repo, _commonDir(repo), root);
}

function _excludeFromStatus(repo: string, common: string, root: string): void {
  const rel = relative(repo, root);
  if (!rel || rel.startsWith("..") || isAbsolute(rel)) return;
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
