/**
 * Code-mode dispatch without git inside a write transaction: reserve attempt
 * n (a short transaction), make its worktree (git, no transaction), then
 * commit the attempt (a short transaction). A crash at any point is
 * recoverable, and until the commit nothing but the reservation row exists:
 * `ready`, `status` and the worker see no attempt.
 *
 * A reservation's lock file is held (flock) by the process making its
 * workspace, from before the reservation is visible until after it is
 * deleted. A reservation whose lock nobody holds therefore belongs to a
 * process that died: its workspace was never handed to anyone, and the next
 * dispatch of the task (or `orch cleanup`) discards it.
 *
 * @module
 */

import type { Db } from "../../storage/db.ts";
import { AppError } from "../../protocol/errors.ts";
import { databaseId } from "../database_id.ts";
import { nowIso, type OrchContext } from "./context.ts";
import type { DispatchResult } from "./dispatch_result.ts";
import type {
  PlannedWorkspace,
  Task,
  Workspace,
  WorkspaceLock,
  WorkspaceProvider,
  WorkspaceRequest,
} from "../orch_types.ts";
import {
  deleteReservation,
  insertReservation,
  markCreating,
  type Reservation,
  reservationOf,
  reservationsOfRun,
} from "./workspace_reservations.ts";

/** How many dead reservations one dispatch clears before giving up. */
const _MAX_STALE_ROUNDS = 3;

/** What the database allows now: the task to dispatch, or an earlier dispatch to return. */
export type DispatchCheck = { task: Task } | { replay: DispatchResult };

/** One code-mode dispatch, retry or reassign. */
export interface WorkspaceDispatch {
  runId: string;
  taskId: string;
  /** Where the worktree goes and what it starts from. */
  request: WorkspaceRequest;
  /**
   * Inside a write transaction: throws if the dispatch may not happen now.
   * Runs before any git, when reserving, and again when committing (the
   * state may have changed while git ran).
   */
  check(): Promise<DispatchCheck>;
  /** Inside the commit transaction, right after `check`: creates attempt `n` with `workspace`. */
  commit(task: Task, workspace: Workspace, n: number): Promise<DispatchResult>;
}

/** Runs one code-mode dispatch in the reserve -> create -> commit shape (see the module doc). */
export async function dispatchWithWorkspace(
  store: OrchContext,
  d: WorkspaceDispatch,
): Promise<DispatchResult> {
  const provider = _provider(store);
  const db = store.db;
  // Refuse what the database alone decides (not ready, a replay) before running any git.
  const first = await db.write(() => d.check());
  if ("replay" in first) return first.replay;
  const base = provider.resolve(d.request);
  const dbId = await db.read(() => databaseId(db));

  let reserved: { id: number; n: number; workspace: PlannedWorkspace; lock: WorkspaceLock };
  for (let round = 0;; round++) {
    const step = await _withLock((take) =>
      db.write(async () => {
        const c = await d.check();
        if ("replay" in c) return c;
        const old = await reservationOf(db, d.runId, d.taskId);
        if (old) {
          const lock = take(old.workspace.lock_path);
          if (!lock) {
            throw new AppError(
              "TASK_NOT_READY",
              `Cannot dispatch task "${d.taskId}": another dispatch is making its worktree`,
              { run_id: d.runId, task_id: d.taskId, status: c.task.status, preparing: true },
            );
          }
          return { stale: old, lock };
        }
        const n = await nextAttemptNumber(db, d.runId, d.taskId);
        const workspace = provider.plan(base, {
          databaseId: dbId,
          runId: d.runId,
          taskId: d.taskId,
          attemptNumber: n,
        });
        const lock = take(workspace.lock_path);
        if (!lock) {
          throw new AppError(
            "WORKSPACE_ERROR",
            `Workspace lock "${workspace.lock_path}" is held by another process`,
            { lock_path: workspace.lock_path, worktree_path: workspace.worktree_path },
          );
        }
        const id = await insertReservation(db, {
          runId: d.runId,
          taskId: d.taskId,
          n,
          workspace,
          now: nowIso(store),
        });
        return { reserved: { id, n, workspace, lock } };
      }), provider);
    if ("replay" in step) return step.replay;
    if ("reserved" in step) {
      reserved = step.reserved;
      break;
    }
    if (round >= _MAX_STALE_ROUNDS) {
      step.lock.release();
      throw new AppError(
        "WORKSPACE_ERROR",
        `Cannot dispatch task "${d.taskId}": dead dispatches keep reappearing`,
        { run_id: d.runId, task_id: d.taskId },
      );
    }
    await discardReservation(db, provider, step.stale, step.lock);
  }

  const { id, n, workspace, lock } = reserved;
  let creating = false;
  const undo = () =>
    discardReservation(
      db,
      provider,
      { id, run_id: d.runId, task_id: d.taskId, n, workspace, creating },
      lock,
    );
  let made: Workspace;
  try {
    made = await provider.create(workspace, async () => {
      await db.write(() => markCreating(db, id));
      creating = true;
    });
  } catch (err) {
    await _quietly(undo);
    throw err;
  }
  let outcome: DispatchCheck | { done: DispatchResult };
  try {
    outcome = await db.write(async () => {
      if (!await deleteReservation(db, id)) {
        throw new AppError("WORKSPACE_ERROR", `The reservation of task "${d.taskId}" vanished`, {
          run_id: d.runId,
          task_id: d.taskId,
        });
      }
      const c = await d.check();
      if ("replay" in c) return c;
      return { done: await d.commit(c.task, made, n) };
    });
  } catch (err) {
    await _quietly(undo);
    throw err;
  }
  if ("replay" in outcome) {
    await _quietly(undo);
    return outcome.replay;
  }
  lock.release();
  return (outcome as { done: DispatchResult }).done;
}

/**
 * Discards every reservation of the run whose dispatch died (its lock is
 * free): the debris a killed dispatch left. Returns how many were cleared.
 * Reservations being worked on are left alone.
 */
export async function sweepDeadReservations(store: OrchContext, runId: string): Promise<number> {
  const provider = _provider(store);
  let cleared = 0;
  for (const r of await store.db.read(() => reservationsOfRun(store.db, runId))) {
    const lock = provider.tryLock(r.workspace.lock_path);
    if (!lock) continue;
    // Re-read under the lock: it may have committed (and be gone) meanwhile.
    const still = await store.db.read(() => reservationOf(store.db, r.run_id, r.task_id));
    if (still?.id !== r.id) {
      lock.release();
      continue;
    }
    await discardReservation(store.db, provider, r, lock);
    cleared++;
  }
  return cleared;
}

/** The attempt number the next attempt of the task gets. */
export async function nextAttemptNumber(db: Db, runId: string, taskId: string): Promise<number> {
  return Number(
    (await db.get(
      "SELECT COALESCE(MAX(n), 0) + 1 AS n FROM attempts WHERE run_id = ? AND task_id = ?",
      runId,
      taskId,
    ))?.["n"],
  );
}

/**
 * Removes a reservation's workspace if git had started making it (git, no
 * transaction), then the reservation, then releases its lock, which the
 * caller holds. If git fails the reservation stays, so a later dispatch or
 * cleanup tries again.
 */
async function discardReservation(
  db: Db,
  provider: WorkspaceProvider,
  r: Reservation,
  lock: WorkspaceLock,
): Promise<void> {
  try {
    if (r.creating) provider.discard(r.workspace);
    await db.write(() => deleteReservation(db, r.id));
  } finally {
    lock.release();
  }
}

/**
 * Runs `fn` with a `take(path)` that takes workspace locks; any lock taken by
 * a run of `fn` that threw (or that the transaction retried) is released.
 */
async function _withLock<T>(
  fn: (take: (path: string) => WorkspaceLock | null) => Promise<T>,
  provider: WorkspaceProvider,
): Promise<T> {
  let taken: WorkspaceLock[] = [];
  const take = (path: string) => {
    const lock = provider.tryLock(path);
    if (lock) taken.push(lock);
    return lock;
  };
  try {
    return await fn((path) => {
      // A retried transaction runs fn again: drop what the failed run took.
      for (const l of taken) l.release();
      taken = [];
      return take(path);
    });
  } catch (err) {
    for (const l of taken) l.release();
    throw err;
  }
}

function _provider(store: OrchContext): WorkspaceProvider {
  if (!store.workspaces) {
    throw new AppError("WORKSPACE_ERROR", "Code mode needs git, which this program cannot run");
  }
  return store.workspaces;
}

async function _quietly(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch { /* the original error matters more */ }
}
