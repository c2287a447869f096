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
  /** The mode the task was planned with; dispatch uses it when not given one. */
  execution_mode: ExecutionMode | null;
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
  repo_path: string | null;
  base_ref: string | null;
  base_commit: string | null;
  branch_name: string | null;
  worktree_path: string | null;
  workspace_status: WorkspaceStatus | null;
  created_at: string;
  updated_at: string;
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
}

/** A provisioned attempt workspace. */
export interface Workspace {
  repo_path: string;
  base_ref: string;
  base_commit: string;
  branch_name: string;
  worktree_path: string;
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
}
