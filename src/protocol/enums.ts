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

export type OrchEventType = typeof ORCH_EVENT_TYPES[number];

/**
 * One line per orch event type (what happened, and what the leader does
 * about it) and whether `orch wait` wakes on it when `--for` is omitted (the
 * events the leader must act on). `orch wait --help`, the orch skill's event
 * list and docs/protocol.md's default set are generated from this record; a
 * new event type does not type-check until it is described here.
 */
export const ORCH_EVENT_INFO: Record<OrchEventType, { about: string; wakes: boolean }> = {
  run_created: { about: "a run was created", wakes: false },
  run_completed: { about: "every task of the run is done or cancelled", wakes: true },
  run_cancelled: { about: "the run was cancelled with its open tasks", wakes: false },
  run_reopened: { about: "a task was added to a completed run", wakes: false },
  task_added: { about: "a task was added to the run", wakes: false },
  dep_added: { about: "a dependency between two tasks was recorded", wakes: false },
  task_ready: {
    about: "a dependency's completion made the task ready: dispatch it",
    wakes: true,
  },
  task_dispatched: { about: "an attempt was created and sent to a worker", wakes: false },
  task_in_progress: { about: "the worker claimed the attempt or reported progress", wakes: false },
  task_blocked: { about: "the worker asked a question: answer it (orch answer)", wakes: true },
  task_verifying: { about: "the worker is checking its work before finishing", wakes: false },
  task_done: {
    about: "the worker finished: review the result, dispatch what it unblocked",
    wakes: true,
  },
  task_failed: { about: "the worker gave up or cancelled: retry, reassign or cancel", wakes: true },
  task_cancelled: { about: "the leader cancelled the task", wakes: false },
  task_stale: {
    about: "the attempt's lease expired (the worker is gone): retry or reassign",
    wakes: true,
  },
  task_answered: { about: "the leader answered a blocked task", wakes: false },
  task_retried: {
    about:
      "a fresh attempt replaced one that failed, went stale, needs attention or a merge left out",
    wakes: false,
  },
  task_reassigned: { about: "the task was handed to another worker", wakes: false },
  task_accepted: {
    about: "a code attempt's branch was checked and accepted (task_done follows)",
    wakes: false,
  },
  task_needs_attention: {
    about: "a finished code attempt was not accepted (reason, message): commit or retry",
    wakes: true,
  },
  task_merged: { about: "orch merge merged the task's accepted result", wakes: false },
  merge_conflict: {
    about: "orch merge left the task out: its result conflicts (retry to resolve)",
    wakes: false,
  },
  check_failed: { about: "orch merge left the task out: the --check command failed", wakes: false },
  merge_blocked: { about: "orch merge left the task out: a dependency was left out", wakes: false },
  merge_completed: {
    about: "an orch merge did something: moved the target branch, or left tasks out",
    wakes: false,
  },
  workspace_cleaned: { about: "an attempt's worktree was removed", wakes: false },
};

/** The event types `orch wait` wakes on when `--for` is omitted. */
export const ORCH_WAIT_DEFAULT_EVENTS: readonly OrchEventType[] = ORCH_EVENT_TYPES.filter((t) =>
  ORCH_EVENT_INFO[t].wakes
);

/** One line per event type, `type: about`, marking the default set (for help and the skill). */
export function orchEventLines(): string[] {
  const width = Math.max(...ORCH_EVENT_TYPES.map((t) => t.length));
  return ORCH_EVENT_TYPES.map((t) =>
    `${t.padEnd(width)}  ${ORCH_EVENT_INFO[t].wakes ? "*" : " "} ${ORCH_EVENT_INFO[t].about}`
  );
}
