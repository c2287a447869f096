/**
 * Pure scheduling rules: readiness, live, final and settled statuses,
 * staleness, and how a worker's thread events fold into attempt and task
 * state. No database, no clock: tested directly. The SQL the store queries
 * with is generated from the same status lists (orch/rules_sql.ts), and
 * orch/rules_sql_test.ts holds the two to the same answers.
 */
import {
  type AttemptStatus,
  DEPENDENCY_DONE_STATUS,
  FINAL_TASK_STATUSES,
  LIVE_TASK_STATUSES,
  SETTLED_TASK_STATUSES,
  type StoredTaskStatus,
  WAITING_TASK_STATUS,
} from "./orch_types.ts";

/** Whether a dependency in `status` lets the tasks that depend on it start (done). */
export function isDependencyDone(status: string): boolean {
  return status === DEPENDENCY_DONE_STATUS;
}

/** Ready = pending and every dependency done. */
export function isReady(status: StoredTaskStatus, dependencyStatuses: readonly string[]): boolean {
  return status === WAITING_TASK_STATUS && dependencyStatuses.every(isDependencyDone);
}

/** Whether a worker holds an attempt (or task) in `status` under a lease. */
export function isLive(status: string): boolean {
  return (LIVE_TASK_STATUSES as readonly string[]).includes(status);
}

/** Whether `status` is final: done, failed or cancelled. */
export function isFinal(status: string): boolean {
  return (FINAL_TASK_STATUSES as readonly string[]).includes(status);
}

/** Whether the run no longer waits for a task in `status` (done or cancelled). */
export function isSettled(status: string): boolean {
  return (SETTLED_TASK_STATUSES as readonly string[]).includes(status);
}

/**
 * Stale: a live attempt whose worker's lease ran out by `now` (or that a
 * reconcile already marked, `stale_at`). A new claim clears it.
 */
export function isStale(
  attempt: { status: string; staleAt: string | null; leaseExpiresAt: string | null },
  now: string,
): boolean {
  return isLive(attempt.status) &&
    (attempt.staleAt !== null ||
      (attempt.leaseExpiresAt !== null && attempt.leaseExpiresAt <= now));
}

/** What a thread event does to the attempt and its task. */
export interface Fold {
  attempt: AttemptStatus;
  task: Exclude<StoredTaskStatus, "pending">;
  /** A fresh claim means a live worker again: the attempt is no longer stale. */
  clearsStale: boolean;
}

type Live = "in_progress" | "blocked" | "verifying";

function _same(s: AttemptStatus, clearsStale = false): Fold {
  return { attempt: s, task: s, clearsStale };
}

/**
 * Folds one inbox thread event into the state of the attempt that owns the
 * thread. Returns undefined when the event changes nothing (final attempts
 * never change; artifacts, lease renewals and the thread's creation are not
 * state changes).
 */
export function foldThreadEvent(
  attempt: AttemptStatus,
  eventType: string,
  payload: Record<string, unknown>,
): Fold | undefined {
  if (isFinal(attempt)) return undefined;
  switch (eventType) {
    case "thread_claimed":
      // A claim of a blocked thread (a takeover after the lease ran out) keeps
      // it blocked: the question stays open until the leader answers it.
      return _same(payload["status"] === "blocked" ? "blocked" : "in_progress", true);
    case "thread_in_progress":
    case "thread_blocked":
    case "thread_verifying":
      return _same(eventType.slice("thread_".length) as Live);
    case "thread_progress":
    case "thread_replied": {
      const s = payload["status"];
      return typeof s === "string" && isLive(s) ? _same(s as Live) : undefined;
    }
    case "thread_done":
      return _same("done");
    case "thread_failed":
      return _same("failed");
    case "thread_cancelled":
      // The worker gave up on its thread: the attempt is over and the task
      // needs the leader (retry or reassign), exactly as after a failure.
      return { attempt: "cancelled", task: "failed", clearsStale: false };
    default:
      return undefined;
  }
}
