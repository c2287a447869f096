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

/**
 * The task and attempt statuses each domain rule is made of, written once:
 * orch_rules.ts holds the rules as TypeScript predicates, orch/rules_sql.ts
 * the same rules as SQL fragments generated from these lists.
 */
/** A task waits in this status until it is dispatched (shown `ready` once its dependencies allow). */
export const WAITING_TASK_STATUS = "pending" satisfies StoredTaskStatus;
/** The status a dependency must reach before the tasks that depend on it may start. */
export const DEPENDENCY_DONE_STATUS = "done" satisfies StoredTaskStatus;
/** Final: nothing moves a task (or an attempt) out of these. */
export const FINAL_TASK_STATUSES: readonly TaskStatus[] = ["done", "failed", "cancelled"];
/**
 * The run no longer waits for a task in these: a run completes when every
 * task is settled (a failed task still waits for the leader).
 */
export const SETTLED_TASK_STATUSES: readonly TaskStatus[] = ["done", "cancelled"];
/** Live: a worker holds the attempt's thread under a lease (a dead one shows as stale). */
export const LIVE_TASK_STATUSES: readonly TaskStatus[] = ["in_progress", "blocked", "verifying"];
/** Statuses of a task whose current attempt is live (a worker may be on it). */
export const ACTIVE_TASK_STATUSES: readonly TaskStatus[] = ["dispatched", ...LIVE_TASK_STATUSES];

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
  | "BRANCH_MISSING"
  | "WORKSPACE_TAMPERED";

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
  /** The worktree is no longer the one git linked (its `.git` replaced): nothing was read in it. */
  tampered?: boolean;
}

/** Counts of tasks by (derived) status, plus the total. */
export type TaskCounts = Record<TaskStatus, number> & { total: number };

/** What a code-mode dispatch asks the workspace provider for. */
export interface WorkspaceRequest {
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
  /**
   * Stacked dispatch: dependency commits merged (in core, no checkout) onto
   * the base, in this order; a conflict throws `MERGE_CONFLICT` before
   * anything is made.
   */
  stack?: readonly IncludedDep[];
  /** Carried forward: the branch starts at this commit (the previous attempt's head). */
  startFrom?: { commit: string; includedDeps: readonly IncludedDep[] };
  /** Names the dependent in the messages of the merge commits `stack` makes. */
  label?: string;
}

/** Where new attempt workspaces go and what they start from (no attempt yet). */
export interface WorkspaceBase {
  repo_path: string;
  /** Absolute directory the attempt worktrees are made under. */
  workspace_root: string;
  base_ref: string;
  base_commit: string;
  /** Directory of the workspace lock files. */
  lock_dir: string;
  /** As in the request: the previous head to merge into the new worktree. */
  conflict_merge?: { commit: string; message: string };
  /** Where the branch starts, when not at base_commit (stacked or carried forward). */
  start_commit?: string;
  /** The dependency commits the start includes. */
  included_deps?: IncludedDep[];
}

/** The ids that name one attempt's workspace. */
export interface WorkspaceIds {
  /** The database's own id (`database_identity`), so two databases never share a name. */
  databaseId: string;
  runId: string;
  taskId: string;
  attemptNumber: number;
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
  /** The dependency commits the start includes (stacked dispatch, or carried forward). */
  included_deps?: IncludedDep[];
}

/** A workspace about to be made, with the lock file that serialises work on it. */
export interface PlannedWorkspace extends Workspace {
  /** While a process holds this file's lock, it is working on the workspace. */
  lock_path: string;
  /** The previous head to merge into the new worktree once it exists (retry after a merge). */
  conflict_merge?: { commit: string; message: string };
}

/** A held workspace lock; `release` is idempotent. */
export interface WorkspaceLock {
  release(): void;
}

/**
 * Makes and removes attempt worktrees. Injected into the store so the store
 * holds no git code: the CLI passes the git-backed one
 * (src/cli/orch/git_workspaces.ts). No method may be called inside a write
 * transaction except `plan` and `tryLock`, which run no git and read no file
 * of unknown size.
 *
 * A code-mode dispatch calls `resolve` (git, no transaction), then in one
 * transaction reserves attempt n and takes its lock (`plan`, `tryLock`),
 * then `create` (git, no transaction), then commits the attempt and releases
 * the lock. A dispatch killed anywhere leaves a reservation whose lock no
 * one holds: `discard` removes what it made.
 */
export interface WorkspaceProvider {
  /** Finds the repository and resolves the base commit. Runs git. */
  resolve(request: WorkspaceRequest): WorkspaceBase;
  /** The branch, worktree path and lock file of one attempt. Pure: no git, no files. */
  plan(base: WorkspaceBase, ids: WorkspaceIds): PlannedWorkspace;
  /** Takes the lock at `lockPath` without waiting; null while another process holds it. */
  tryLock(lockPath: string): WorkspaceLock | null;
  /**
   * Creates the planned branch and worktree. Runs git. Throws, touching
   * nothing, if the path or the branch already exists; otherwise calls
   * `starting` right before git starts making them (from then on they are
   * this workspace's, and `discard` may remove them). On failure leaves nothing.
   */
  create(workspace: PlannedWorkspace, starting: () => Promise<void>): Promise<Workspace>;
  /**
   * Removes a workspace that was never handed to a worker (a failed or killed
   * dispatch, after `create` called `starting`): its worktree, even half
   * made, and its branch while it still points at the base. Idempotent.
   * Runs git.
   */
  discard(workspace: Workspace): void;
  /**
   * "clean" | "dirty" | "missing". Throws `WORKSPACE_TAMPERED` (running no
   * git there) when the directory is no longer the worktree git linked.
   */
  state(repoPath: string, worktreePath: string): "clean" | "dirty" | "missing";
  /**
   * Remove the worktree (never the branch); refuses a dirty one unless
   * `force`, and a tampered one (`WORKSPACE_TAMPERED`) always.
   */
  remove(repoPath: string, worktreePath: string, force: boolean): void;
  /** The lock file that serialises work on an attempt's workspace (as in `plan`). */
  lockPathOf(workspace: Workspace): string;
  /** Reads a done code attempt's worktree and branch (git, never in a transaction). */
  inspect(attempt: Attempt): AttemptInspection;
  /** The commit `refs/heads/<branch>` points at, or null when there is none. Runs git. */
  branchHead(repoPath: string, branch: string): string | null;
  /**
   * An analysis task's integrated view: the repository at `repoPath`, its
   * HEAD commit merged in core with `stack` in order (`MERGE_CONFLICT` as for
   * a code dispatch). Makes commits, moves no ref. Runs git.
   */
  integratedView(
    request: { repoPath: string; stack: readonly IncludedDep[]; label: string },
  ): IntegratedView;
  /** The top-level directory of the repository `path` is in (as attempts record it). Runs git. */
  repoRoot(path: string): string;
  /** The ref a view of attempt `ids` is kept under. Pure: no git. */
  viewRef(ids: WorkspaceIds): string;
  /** Points `ref` at `commit` (keeps a view from garbage collection). Runs git. */
  keepRef(repoPath: string, ref: string, commit: string): void;
}

/** What an analysis task reads: its dependencies' work integrated on the repository's HEAD. */
export interface IntegratedView {
  repo_path: string;
  base_ref: string;
  base_commit: string;
  /** The base merged with every included dependency's commit. */
  commit: string;
}

/** The most events one read returns (`orch wait`, the board's stream); a caller pages on from the last id. */
export const EVENTS_PAGE_MAX = 1000;
