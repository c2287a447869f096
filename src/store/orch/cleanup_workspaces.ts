/**
 * `orch cleanup`: removes the worktrees of finished attempts. Git runs with
 * no transaction open; each attempt is handled under its workspace lock, so
 * any number of cleanups (and dispatches, retries) may run at once and each
 * attempt is cleaned, and announced, exactly once.
 *
 * @module
 */

import { AppError } from "../../protocol/errors.ts";
import { appendEvent } from "../append_event.ts";
import { nowIso, type OrchContext } from "./context.ts";
import type { Attempt, WorkspaceProvider } from "../orch_types.ts";
import { sweepDeadReservations } from "./dispatch_with_workspace.ts";
import { finishedActiveWorkspaces } from "./finished_active_workspaces.ts";
import { getAttempt } from "./get_attempt.ts";
import { reconcile } from "./reconcile.ts";

/** What `cleanup` did: attempts cleaned now, and attempts it would not touch, with why. */
export interface CleanupResult {
  cleaned: Attempt[];
  refused: Array<{ attempt: Attempt; code: string; reason: string }>;
}

/**
 * Removes worktrees of finished attempts (final attempt, or final task) and
 * marks them `cleaned` (`missing` if already gone), one `workspace_cleaned`
 * event each. A dirty worktree is refused unless `force`; a tampered one
 * (`WORKSPACE_TAMPERED`) always. Branches are never deleted. An attempt
 * another process is cleaning at the same moment is left to it. First
 * removes what dispatches of the run that were killed before committing left
 * behind.
 */
export async function cleanupWorkspaces(
  store: OrchContext,
  input: { runId: string; taskId?: string; force?: boolean },
): Promise<CleanupResult> {
  if (!store.workspaces) throw new AppError("WORKSPACE_ERROR", "Cleanup needs git");
  const workspaces = store.workspaces;
  await reconcile(store, input.runId);
  await sweepDeadReservations(store, input.runId);
  const candidates = await finishedActiveWorkspaces(store, input.runId, input.taskId);
  const result: CleanupResult = { cleaned: [], refused: [] };
  for (const candidate of candidates) {
    const lock = workspaces.tryLock(workspaces.lockPathOf(_workspace(candidate)));
    if (!lock) continue; // another process is on it, and reports it
    try {
      await _cleanOne(store, workspaces, candidate.id, input.force === true, result);
    } finally {
      lock.release();
    }
  }
  if (input.taskId !== undefined && result.refused.length > 0 && result.cleaned.length === 0) {
    const r = result.refused[0]!;
    throw new AppError(
      r.code === "WORKSPACE_TAMPERED" ? "WORKSPACE_TAMPERED" : "WORKTREE_DIRTY",
      r.reason,
      {
        ...(r.code === "WORKTREE_DIRTY"
          ? { reason: "worktree_dirty", path: r.attempt.worktree_path }
          : {}),
        attempt_id: r.attempt.id,
        worktree_path: r.attempt.worktree_path,
      },
    );
  }
  return result;
}

/** Cleans one attempt; the caller holds its workspace lock. */
async function _cleanOne(
  store: OrchContext,
  workspaces: WorkspaceProvider,
  attemptId: number,
  force: boolean,
  result: CleanupResult,
): Promise<void> {
  // Re-read under the lock: a cleanup that held it before us may have finished it.
  const a = await store.db.read(() => getAttempt(store, attemptId));
  if (a.workspace_status !== "active") return;
  const repo = a.repo_path!;
  const path = a.worktree_path!;
  let state: "clean" | "dirty" | "missing";
  try {
    state = workspaces.state(repo, path);
    if (state === "dirty" && !force) {
      result.refused.push({
        attempt: a,
        code: "WORKTREE_DIRTY",
        reason: `Worktree "${path}" has uncommitted changes`,
      });
      return;
    }
    if (state !== "missing") workspaces.remove(repo, path, force);
  } catch (err) {
    if (err instanceof AppError && err.code === "WORKSPACE_TAMPERED") {
      result.refused.push({ attempt: a, code: err.code, reason: err.message });
      return;
    }
    throw err;
  }
  if (state === "missing") {
    // Gone already: drop git's stale registration of it.
    try {
      workspaces.remove(repo, path, false);
    } catch { /* left alone */ }
  }
  const status = state === "missing" ? "missing" : "cleaned";
  const changed = await store.db.write(async () => {
    const now = nowIso(store);
    const n = (await store.db.run(
      `UPDATE attempts SET workspace_status = ?, updated_at = ?
       WHERE id = ? AND workspace_status = 'active'`,
      status,
      now,
      a.id,
    )).changes;
    if (n === 0) return false;
    await appendEvent(store.db, {
      ts: now,
      type: "workspace_cleaned",
      runId: a.run_id,
      taskId: a.task_id,
      threadId: a.thread_id,
      payload: {
        attempt_id: a.id,
        worktree_path: a.worktree_path,
        branch_name: a.branch_name,
        workspace_status: status,
      },
    });
    return true;
  });
  if (changed) result.cleaned.push(await store.db.read(() => getAttempt(store, a.id)));
}

function _workspace(a: Attempt) {
  return {
    repo_path: a.repo_path!,
    base_ref: a.base_ref ?? "",
    base_commit: a.base_commit ?? "",
    branch_name: a.branch_name!,
    worktree_path: a.worktree_path!,
  };
}
