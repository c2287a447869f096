/**
 * Pure scheduling rules: readiness and how a worker's thread events fold
 * into attempt and task state. No database, no clock: tested directly.
 */
import type { AttemptStatus, StoredTaskStatus } from "./orch_types.ts";

/** Ready = pending and every dependency done. */
export function isReady(status: StoredTaskStatus, dependencyStatuses: readonly string[]): boolean {
  return status === "pending" && dependencyStatuses.every((s) => s === "done");
}

/** What a thread event does to the attempt and its task. */
export interface Fold {
  attempt: AttemptStatus;
  task: Exclude<StoredTaskStatus, "pending">;
  /** A fresh claim means a live worker again: the attempt is no longer stale. */
  clearsStale: boolean;
}

const _LIVE = ["in_progress", "blocked", "verifying"] as const;
type Live = typeof _LIVE[number];

function _live(s: unknown): s is Live {
  return typeof s === "string" && (_LIVE as readonly string[]).includes(s);
}

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
  if (attempt === "done" || attempt === "failed" || attempt === "cancelled") return undefined;
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
    case "thread_replied":
      return _live(payload["status"]) ? _same(payload["status"]) : undefined;
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
