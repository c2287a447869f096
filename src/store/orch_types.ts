/**
 * Domain types of orch, named as in the JSON contract (docs/protocol.md).
 */

import {
  EXECUTION_MODES,
  ORCH_EVENT_TYPES,
  RUN_STATUSES,
  TASK_STATUSES,
} from "../protocol/enums.ts";

export { EXECUTION_MODES, ORCH_EVENT_TYPES, RUN_STATUSES, TASK_STATUSES };

export type RunStatus = typeof RUN_STATUSES[number];

export type StoredTaskStatus = typeof TASK_STATUSES[number];
export type TaskStatus = StoredTaskStatus | "ready";

export const FINAL_TASK_STATUSES: readonly TaskStatus[] = ["done", "failed", "cancelled"];
/** Statuses of a task whose current attempt is live (a worker may be on it). */
export const ACTIVE_TASK_STATUSES: readonly TaskStatus[] = [
  "dispatched",
  "in_progress",
  "blocked",
  "verifying",
];

export type ExecutionMode = typeof EXECUTION_MODES[number];

export type AttemptStatus = Exclude<StoredTaskStatus, "pending">;
export type WorkspaceStatus = "active" | "cleaned" | "missing";

export type OrchEventType = typeof ORCH_EVENT_TYPES[number];

export interface Run {
  id: string;
  goal: string;
  summary: string;
  status: RunStatus;
  kind: string;
  meta: unknown;
  created_at: string;
  updated_at: string;
}

export interface Task {
  run_id: string;
  id: string;
  title: string;
  summary: string;
  default_to: string | null;
  acceptance: unknown;
  status: TaskStatus;
  depends_on: string[];
  created_at: string;
  updated_at: string;
}

export interface Attempt {
  id: number;
  run_id: string;
  task_id: string;
  n: number;
  assigned_to: string;
  thread_id: number;
  execution_mode: ExecutionMode;
  status: AttemptStatus;
  /** The worker's lease ran out while the attempt was live: likely a dead worker. */
  stale: boolean;
  stale_at: string | null;
  /**
   * The agent holding (or that last held) the thread's lease: differs from
   * `assigned_to` after another agent took an expired thread over. Null until claimed.
   */
  holder: string | null;
  /** The progress (0-100) the worker last reported; null when none. */
  progress: number | null;
  /** When the thread's lease runs out; null until claimed. */
  lease_expires_at: string | null;
  repo_path: string | null;
  base_ref: string | null;
  base_commit: string | null;
  branch_name: string | null;
  worktree_path: string | null;
  workspace_status: WorkspaceStatus | null;
  /** Code mode: what reconcile found after the worker's `done`; null until then. */
  result: AttemptResult | null;
  /** Code mode: what `orch merge` did with the accepted result; null until then. */
  merge: AttemptMerge | null;
  /** Code mode: where the branch started (base_commit, or base merged with dependencies). */
  start_commit: string | null;
  /** Code mode: the done dependencies' commits the branch was stacked on (empty: none). */
  included_deps: IncludedDep[];
  created_at: string;
  updated_at: string;
}

/** How reconcile judged a done code attempt (docs/protocol.md#accepted-results). */
export type AttemptResultStatus = "accepted" | "no_changes" | "needs_attention";

/** Why a done code attempt was not accepted. */
export type AttentionReason =
  | "UNCOMMITTED_CHANGES"
  | "NO_COMMITS"
  | "WRONG_BRANCH"
  | "BRANCH_MISSING";

export interface AttemptResult {
  status: AttemptResultStatus;
  reason: AttentionReason | null;
  head_commit: string | null;
  commits_ahead: number | null;
  files_changed: number | null;
  verified_at: string;
}

export type MergeStatus = "merged" | "merge_conflict" | "check_failed" | "dependency_left_out";

export interface AttemptMerge {
  status: MergeStatus;
  /** The commit on the target that holds the task's work (merged only). */
  commit: string | null;
  into: string;
  /** Conflicting paths, the check's output tail, or the left-out dependency. */
  detail: Record<string, unknown> | null;
  at: string;
}

/** One dependency commit a stacked attempt's branch includes. */
export interface IncludedDep {
  task_id: string;
  attempt_id: number;
  branch_name: string | null;
  head_commit: string;
}

/** What the git side reads about a done code attempt (outside any transaction). */
export interface AttemptInspection {
  /** The worktree: clean, dirty (uncommitted or untracked changes) or missing. */
  worktree: "clean" | "dirty" | "missing";
  /** Up to a few dirty paths, for the leader. */
  dirty_paths: string[];
  /** Whether the worktree has the attempt's branch checked out (true when missing). */
  on_branch: boolean;
  /** The branch's head commit; null when the branch is gone. */
  head_commit: string | null;
  commits_ahead: number;
  files_changed: number;
}

/** Counts of tasks by (derived) status, plus the total. */
export type TaskCounts = Record<TaskStatus, number> & { total: number };

/** What a code-mode dispatch asks the workspace provider for. */
export interface WorkspaceRequest {
  runId: string;
  taskId: string;
  attemptNumber: number;
  repoPath: string | undefined;
  workspaceRoot: string | undefined;
  baseRef: string | undefined;
  /** Exact commit to start from (retry reuses its predecessor's base). */
  baseCommit: string | undefined;
  /**
   * Retry after `orch merge` left the task out: the previous head, merged into
   * the new worktree (on top of the base, the merge target). A clean merge is
   * committed; a conflict is left in the worktree for the worker to resolve.
   */
  conflictMerge?: { commit: string; message: string };
}

/** A provisioned attempt workspace. */
export interface Workspace {
  repo_path: string;
  base_ref: string;
  base_commit: string;
  branch_name: string;
  worktree_path: string;
  /** Where the branch starts, when not at base_commit. */
  start_commit?: string;
  /** Paths left conflicted in the worktree (retry after a merge conflict). */
  conflicts?: string[];
}

/**
 * Makes and removes attempt worktrees. Injected into the store so the store
 * holds no git code: the CLI passes the git-backed one (src/git), and the
 * store calls it inside the dispatch transaction, undoing it if the
 * transaction fails.
 */
export interface WorkspaceProvider {
  create(request: WorkspaceRequest): Workspace;
  /** Undo `create` after a failed transaction: worktree and the new branch. */
  discard(workspace: Workspace): void;
  /** "clean" | "dirty" | "missing" */
  state(path: string): "clean" | "dirty" | "missing";
  /** Remove the worktree (never the branch); refuses a dirty one unless `force`. */
  remove(repoPath: string, worktreePath: string, force: boolean): void;
  /** Reads a done code attempt's worktree and branch (git, never in a transaction). */
  inspect(attempt: Attempt): AttemptInspection;
}
