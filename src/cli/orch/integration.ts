/**
 * Temporary integration worktrees for `orch merge --check`, and removing the
 * ones a killed merge left behind.
 *
 * Each lives at `<repo>/.orch/worktrees/.merge/<token>/` next to
 * `<token>.lock`, a file the merge holds an exclusive lock on (flock) for its
 * whole life. The kernel drops the lock when the process dies, however it
 * dies, so `cleanup` can tell a live merge (lock held) from debris (lock
 * free) without clocks or process ids.
 */
import { join, resolve } from "../../path.ts";
import { NO_HOOKS } from "../../git/merge.ts";
import { sanitizeSegment } from "../../git/names.ts";
import { runGit } from "../../git/run_git.ts";
import { DEFAULT_WORKSPACE_ROOT, excludeFromStatus } from "./git_workspaces.ts";

/** Where a repository's integration worktrees go. */
export function integrationDir(repo: string): string {
  return resolve(repo, DEFAULT_WORKSPACE_ROOT, ".merge");
}

/**
 * Runs `fn` with a fresh detached worktree at `start`, removed again
 * afterwards (also when `fn` throws).
 */
export function withIntegrationWorktree<T>(
  dir: string,
  runId: string,
  start: string,
  fn: (worktree: string) => T,
): T {
  const repo = resolve(dir, "..", "..", "..");
  Deno.mkdirSync(dir, { recursive: true });
  excludeFromStatus(repo, resolve(repo, DEFAULT_WORKSPACE_ROOT));
  const token = `${sanitizeSegment(runId)}-${Date.now().toString(36)}-${
    crypto.randomUUID().slice(0, 8)
  }`;
  // Locked under a temporary name, then renamed: cleanup never sees an unlocked live lock file.
  const pending = join(dir, `${token}.pending`);
  const lockPath = join(dir, `${token}.lock`);
  const lock = Deno.openSync(pending, { create: true, write: true });
  try {
    lock.lockSync(true);
    Deno.renameSync(pending, lockPath);
    const worktree = join(dir, token);
    try {
      runGit([...NO_HOOKS, "worktree", "add", "--quiet", "--detach", "--", worktree, start], {
        cwd: repo,
      });
      return fn(worktree);
    } finally {
      _removeWorktree(repo, worktree);
      _removeQuietly(lockPath);
    }
  } finally {
    lock.close();
    _removeQuietly(pending);
  }
}

/**
 * Removes integration worktrees whose merge is gone (lock file not held, or
 * no lock file at all). Returns their paths.
 */
export function removeStrayIntegrations(repo: string): string[] {
  const dir = integrationDir(repo);
  let names: string[];
  try {
    names = [...Deno.readDirSync(dir)].map((e) => e.name);
  } catch {
    return [];
  }
  const removed: string[] = [];
  const tokens = new Set(
    names.map((n) => n.replace(/\.(lock|pending)$/, "")),
  );
  for (const token of tokens) {
    const lockPath = join(dir, `${token}.lock`);
    let lock: Deno.FsFile | undefined;
    for (const candidate of [lockPath, join(dir, `${token}.pending`)]) {
      try {
        lock = Deno.openSync(candidate, { write: true });
        break;
      } catch { /* not there: try the next; none means nobody owns the worktree */ }
    }
    try {
      if (lock && !lock.tryLockSync(true)) continue; // a live merge
      const worktree = join(dir, token);
      if (names.includes(token)) {
        _removeWorktree(repo, worktree);
        removed.push(worktree);
      }
      _removeQuietly(lockPath);
      _removeQuietly(join(dir, `${token}.pending`));
    } finally {
      lock?.close();
    }
  }
  if (removed.length) runGit(["worktree", "prune"], { cwd: repo });
  return removed;
}

function _removeWorktree(repo: string, worktree: string): void {
  try {
    runGit(["worktree", "remove", "--force", "--force", "--", worktree], {
      cwd: repo,
      allowCodes: [128],
    });
  } catch { /* fall through to removing the directory */ }
  _removeQuietly(worktree);
  try {
    runGit(["worktree", "prune"], { cwd: repo });
  } catch { /* best effort */ }
}

function _removeQuietly(path: string): void {
  try {
    Deno.removeSync(path, { recursive: true });
  } catch { /* already gone */ }
}
