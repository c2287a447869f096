/**
 * The enumerations of the wire contract (docs/protocol.md): statuses, kinds,
 * message and event types. The store's types and the output schemas are both
 * built from these lists, so the two cannot drift apart.
 */

export const THREAD_KINDS = ["task", "question", "review", "note"] as const;

export const THREAD_STATUSES = [
  "open",
  "claimed",
  "in_progress",
  "blocked",
  "verifying",
  "done",
  "failed",
  "cancelled",
] as const;

export const UPDATE_STATUSES = ["in_progress", "blocked", "verifying"] as const;

export const MESSAGE_TYPES = [
  "task",
  "progress",
  "question",
  "reply",
  "result",
  "failure",
  "cancel",
  "note",
] as const;

export const RUN_STATUSES = ["active", "completed", "cancelled"] as const;

/** Stored task statuses. `ready` is derived: pending with every dependency done. */
export const TASK_STATUSES = [
  "pending",
  "dispatched",
  "in_progress",
  "blocked",
  "verifying",
  "done",
  "failed",
  "cancelled",
] as const;

export const EXECUTION_MODES = ["analysis", "code"] as const;

/** Every event type `orch wait --for` accepts. */
export const ORCH_EVENT_TYPES = [
  "run_created",
  "run_completed",
  "run_cancelled",
  "run_reopened",
  "task_added",
  "dep_added",
  "task_ready",
  "task_dispatched",
  "task_in_progress",
  "task_blocked",
  "task_verifying",
  "task_done",
  "task_failed",
  "task_cancelled",
  "task_stale",
  "task_answered",
  "task_retried",
  "task_reassigned",
  "task_accepted",
  "task_needs_attention",
  "task_merged",
  "merge_conflict",
  "check_failed",
  "merge_blocked",
  "merge_completed",
  "workspace_cleaned",
] as const;
