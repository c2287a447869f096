/**
 * Creating, inspecting and removing the per-attempt git worktrees.
 *
 * @module
 */

import { dirname, resolve } from "../path.ts";
import { AppError } from "../protocol/errors.ts";
import { sleepSync } from "../storage/sqlite/sleep_sync.ts";
import { runGit } from "./run_git.ts";

/** Options for {@linkcode createWorktree}. */
export interface CreateWorktreeOptions {
  /** Top level of the source repository. */
  repo: string;
  /** New branch name, without `refs/heads/`; must not exist yet. */
  branch: string;
  /** Worktree directory; must not exist yet (missing parents are created). */
  path: string;
  /** The commit the branch and worktree start at (an id or revision). */
  commit: string;
  /** Called once the path and branch were found free, right before git makes them. */
  starting?: () => void;
  /** Let git run the repository's hooks (`post-checkout`); default false. */
  runHooks?: boolean;
}

/** Options for {@linkcode removeWorktree}. */
export interface RemoveWorktreeOptions {
  /** Top level of the source repository. */
  repo: string;
  /** The worktree directory. */
  path: string;
  /** Remove even with uncommitted or untracked changes, which are lost. */
  force: boolean;
}

/** What {@linkcode worktreeState} found at a path. */
export type WorktreeState = "clean" | "dirty" | "missing";

/** One record of `git worktree list --porcelain`. */
export interface WorktreeEntry {
  /** Absolute path, as git recorded it. */
  path: string;
  /** Checked-out commit id; null for a bare repository. */
  head: string | null;
  /** Full ref (`refs/heads/...`); null when detached or bare. */
  branch: string | null;
  detached: boolean;
  bare: boolean;
  locked: boolean;
  lockedReason: string | null;
  prunable: boolean;
  prunableReason: string | null;
}

/**
 * Creates branch `branch` at `commit` and checks it out in a new worktree at
 * `path` (`git worktree add -b <branch> -- <path> <commit>`).
 *
 * Throws `WORKSPACE_ERROR` if the path already exists, the branch already
 * exists or is not a valid branch name, or git fails; `BASE_REF_NOT_FOUND` if
 * `commit` names no commit. On any failure after git started, everything this
 * call made is removed again (directories, the worktree registration, the
 * branch), so a failed call leaves the repository as it was. Hooks
 * (`post-checkout`) run only with `runHooks`; a failing hook fails the call.
 */
export function createWorktree(options: CreateWorktreeOptions): void {
  const checked = checkWorktree(options);
  options.starting?.();
  makeWorktree(checked);
}

/** A worktree found free to create: the result of {@linkcode checkWorktree}. */
export interface CheckedWorktree {
  readonly repo: string;
  readonly branch: string;
  readonly path: string;
  readonly commit: string;
  readonly createdTop: string;
  readonly runHooks: boolean;
  readonly details: Record<string, unknown>;
}

/**
 * The checks of {@linkcode createWorktree} (branch name, commit, free path and
 * branch), with nothing made yet: a caller that must record something before
 * git starts (an async write) does it between this and {@linkcode makeWorktree}.
 */
export function checkWorktree(options: CreateWorktreeOptions): CheckedWorktree {
  const { repo, branch } = options;
  const path = resolve(options.path);
  const details = { repo, branch, path, commit: options.commit };

  _checkBranchName(repo, branch, details);
  const commit = _resolveCommit(repo, options.commit, details);
  if (_exists(path)) {
    throw new AppError("WORKSPACE_ERROR", `Worktree path "${path}" already exists`, details);
  }
  if (_branchExists(repo, branch)) {
    throw new AppError("WORKSPACE_ERROR", `Branch "${branch}" already exists`, details);
  }

  const createdTop = _topmostMissing(path);
  return { repo, branch, path, commit, createdTop, runHooks: options.runHooks === true, details };
}

/** Makes the worktree {@linkcode checkWorktree} found free (the git half of {@linkcode createWorktree}). */
export function makeWorktree(c: CheckedWorktree): void {
  const { repo, branch, path, commit, createdTop, details } = c;
  for (let attempt = 0;; attempt++) {
    try {
      runGit(["worktree", "add", "--quiet", "-b", branch, "--", path, commit], {
        cwd: repo,
        runHooks: c.runHooks,
      });
      return;
    } catch (err) {
      const cleanupErrors = _undoCreate(repo, branch, createdTop);
      const stderr = err instanceof AppError ? String(err.details["stderr"] ?? "") : "";
      // Another process's `worktree add` was half done when git read it: try again.
      if (attempt < _LIST_RETRIES && cleanupErrors.length === 0 && _TRANSIENT.test(stderr)) {
        sleepSync(_LIST_RETRY_MS);
        continue;
      }
      _createFailed(err, cleanupErrors, path, branch, { ...details, commit });
    }
  }
}

/** What git says when it reads another process's half-written worktree admin directory. */
const _TRANSIENT = /failed to read .*worktrees\//;

function _createFailed(
  err: unknown,
  cleanupErrors: string[],
  path: string,
  branch: string,
  details: Record<string, unknown>,
): never {
  const stderr = err instanceof AppError ? err.details["stderr"] : undefined;
  throw new AppError(
    "WORKSPACE_ERROR",
    `Cannot create worktree "${path}" on branch "${branch}": ${
      err instanceof Error ? err.message : String(err)
    }`,
    { ...details, stderr, cleanup_errors: cleanupErrors },
  );
}

/**
 * Whether `path` is the top level of a git work tree without changes
 * (`"clean"`), with staged, unstaged or untracked changes (`"dirty"`), or
 * does not exist or is not a work tree top level (`"missing"`).
 */
export function worktreeState(path: string): WorktreeState {
  const abs = resolve(path);
  let real: string;
  try {
    if (!Deno.statSync(abs).isDirectory) return "missing";
    real = Deno.realPathSync(abs);
  } catch {
    return "missing";
  }
  const top = runGit(["rev-parse", "--show-toplevel"], { cwd: real, allowCodes: [128] });
  // Without this check a plain directory inside the main repository would
  // report the main repository's state.
  if (top.code !== 0 || _realPath(top.stdout.replace(/\n$/, "")) !== real) return "missing";
  const status = runGit(
    ["--no-optional-locks", "status", "--porcelain=v1", "-z", "--ignore-submodules=none"],
    { cwd: real },
  );
  return status.stdout === "" ? "clean" : "dirty";
}

/**
 * Removes the worktree at `path` from `repo` (`git worktree remove`). Never
 * deletes its branch.
 *
 * A path that no longer exists is not an error: its stale registration is
 * pruned. Throws `WORKTREE_DIRTY` for a worktree with uncommitted or
 * untracked changes unless `force`, and `WORKSPACE_ERROR` if the path exists
 * but is not a linked worktree of `repo`, or git refuses (e.g. it is locked).
 */
export function removeWorktree(options: RemoveWorktreeOptions): void {
  const { repo, force } = options;
  const path = resolve(options.path);
  const details = { repo, path, force };
  if (!_exists(path)) {
    runGit(["worktree", "prune"], { cwd: repo });
    return;
  }
  const real = _realPath(path);
  const entries = listWorktrees(repo);
  const index = entries.findIndex((e) => _realPath(e.path) === real);
  if (index < 0) {
    throw new AppError(
      "WORKSPACE_ERROR",
      `Path "${path}" is not a worktree of repository "${repo}"`,
      details,
    );
  }
  if (index === 0) {
    throw new AppError("WORKSPACE_ERROR", `Path "${path}" is the main worktree of "${repo}"`, {
      ...details,
    });
  }
  if (!force && worktreeState(path) === "dirty") {
    throw new AppError(
      "WORKTREE_DIRTY",
      `Worktree "${path}" has uncommitted changes: commit them or remove it by force`,
      { ...details, reason: "worktree_dirty" },
    );
  }
  const args = ["worktree", "remove", ...(force ? ["--force"] : []), "--", path];
  try {
    runGit(args, { cwd: repo });
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    throw new AppError("WORKSPACE_ERROR", `Cannot remove worktree "${path}": ${err.message}`, {
      ...details,
      stderr: err.details["stderr"],
    });
  }
}

/** How often `listWorktrees` reads again while another process is adding a worktree. */
const _LIST_RETRIES = 10;
const _LIST_RETRY_MS = 25;

/**
 * The repository's worktrees (`git worktree list --porcelain -z`). While
 * another process is in the middle of `git worktree add`, git cannot read
 * that worktree's half-written admin directory and fails; that is read again
 * a few times, then reported.
 */
export function listWorktrees(repo: string): WorktreeEntry[] {
  for (let attempt = 0;; attempt++) {
    const out = runGit(["worktree", "list", "--porcelain", "-z"], {
      cwd: repo,
      allowCodes: [128],
    });
    if (out.code === 0) return parseWorktreeList(out.stdout);
    if (attempt >= _LIST_RETRIES || !_TRANSIENT.test(out.stderr)) {
      throw new AppError(
        "GIT_ERROR",
        `Command "git worktree list" failed with exit code ${out.code}: ${out.stderr.trim()}`,
        { args: ["worktree", "list"], cwd: repo, exit_code: out.code, stderr: out.stderr },
      );
    }
    sleepSync(_LIST_RETRY_MS);
  }
}

/**
 * Parses `git worktree list --porcelain` output, with `-z` (NUL-separated,
 * safe for any path) or without (newline-separated). Unknown attributes are
 * skipped. The first entry is the main worktree.
 */
export function parseWorktreeList(porcelain: string): WorktreeEntry[] {
  const fields = porcelain.split(porcelain.includes("\0") ? "\0" : "\n");
  const entries: WorktreeEntry[] = [];
  let current: WorktreeEntry | null = null;
  for (const field of fields) {
    if (field === "") {
      current = null;
      continue;
    }
    const space = field.indexOf(" ");
    const key = space < 0 ? field : field.slice(0, space);
    const value = space < 0 ? null : field.slice(space + 1);
    if (key === "worktree") {
      current = {
        path: value ?? "",
        head: null,
        branch: null,
        detached: false,
        bare: false,
        locked: false,
        lockedReason: null,
        prunable: false,
        prunableReason: null,
      };
      entries.push(current);
      continue;
    }
    if (current === null) continue;
    switch (key) {
      case "HEAD":
        current.head = value;
        break;
      case "branch":
        current.branch = value;
        break;
      case "detached":
        current.detached = true;
        break;
      case "bare":
        current.bare = true;
        break;
      case "locked":
        current.locked = true;
        current.lockedReason = value;
        break;
      case "prunable":
        current.prunable = true;
        current.prunableReason = value;
        break;
    }
  }
  return entries;
}

function _checkBranchName(repo: string, branch: string, details: Record<string, unknown>): void {
  const ok = branch !== "" && !branch.startsWith("-") &&
    runGit(["check-ref-format", `refs/heads/${branch}`], { cwd: repo, allowCodes: [1] })
        .code === 0;
  if (!ok) {
    throw new AppError("WORKSPACE_ERROR", `Branch name "${branch}" is not valid`, details);
  }
}

function _resolveCommit(repo: string, rev: string, details: Record<string, unknown>): string {
  // deno-lint-ignore no-control-regex
  const plausible = rev !== "" && !rev.startsWith("-") && !/[\x00-\x20\x7f\\]/.test(rev);
  const out = plausible
    ? runGit(["rev-parse", "--verify", "--quiet", "--end-of-options", `${rev}^{commit}`], {
      cwd: repo,
      allowCodes: [1, 128],
    })
    : null;
  const id = out?.code === 0 ? out.stdout.trim() : "";
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(id)) {
    throw new AppError("BASE_REF_NOT_FOUND", `Commit "${rev}" not found in "${repo}"`, details);
  }
  return id;
}

function _branchExists(repo: string, branch: string): boolean {
  return runGit(["rev-parse", "--verify", "--quiet", `refs/heads/${branch}`], {
    cwd: repo,
    allowCodes: [1],
  }).code === 0;
}

/** The highest ancestor of `path` (or `path` itself) that does not exist yet. */
function _topmostMissing(path: string): string {
  let top = path;
  for (let parent = dirname(top); parent !== top && !_exists(parent); parent = dirname(top)) {
    top = parent;
  }
  return top;
}

/** Undoes a failed `worktree add`; returns what could not be undone. */
function _undoCreate(repo: string, branch: string, createdTop: string): string[] {
  const errors: string[] = [];
  const attempt = (step: () => void) => {
    try {
      step();
    } catch (err) {
      errors.push(err instanceof Error ? err.message : String(err));
    }
  };
  attempt(() => {
    if (_exists(createdTop)) Deno.removeSync(createdTop, { recursive: true });
  });
  attempt(() => runGit(["worktree", "prune"], { cwd: repo }));
  attempt(() => {
    // The branch did not exist before this call (checked), so it is ours.
    if (_branchExists(repo, branch)) {
      runGit(["update-ref", "-d", `refs/heads/${branch}`], { cwd: repo });
    }
  });
  return errors;
}

function _exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function _realPath(path: string): string {
  try {
    return Deno.realPathSync(path);
  } catch {
    return resolve(path);
  }
}
