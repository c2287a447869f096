/**
 * The leader's store: runs, tasks, dependencies, attempts. {@linkcode OrchStore}
 * is the interface the CLI talks to; each method is one operation in its own
 * file under orch/, handed the store as its {@linkcode OrchContext}.
 *
 * @module
 */

import type { Db } from "../storage/db.ts";
import type { EventRecord } from "./append_event.ts";
import { type Clock, systemClock } from "./clock.ts";
import { InboxStore } from "./inbox_store.ts";
import { EVENTS_PAGE_MAX } from "./orch_types.ts";
import type {
  Attempt,
  Run,
  Task,
  TaskCounts,
  TaskStatus,
  WorkspaceProvider,
} from "./orch_types.ts";
import type { addTask } from "./orch/add_task.ts";
import type { answer } from "./orch/answer.ts";
import type { BlockedTask } from "./orch/blocked_tasks.ts";
import type { CancelResult } from "./orch/cancel.ts";
import type { CleanupResult } from "./orch/cleanup_workspaces.ts";
import { nowIso, type OrchContext } from "./orch/context.ts";
import type { createRun } from "./orch/create_run.ts";
import type { DispatchInput } from "./orch/dispatch.ts";
import type { DispatchResult } from "./orch/dispatch_result.ts";
import type { reassign } from "./orch/reassign.ts";
import type { ReconcileResult } from "./orch/reconcile.ts";
import type { retry } from "./orch/retry.ts";
import type { TaskView } from "./orch/status.ts";

export { LEADER_AGENT, type OrchContext } from "./orch/context.ts";
export type { DispatchInput } from "./orch/dispatch.ts";
export type { DispatchResult } from "./orch/dispatch_result.ts";
export type { ReconcileResult } from "./orch/reconcile.ts";
export type { TaskView } from "./orch/status.ts";

/**
 * The leader's store. Every state change and its events commit in one
 * transaction; a code-mode dispatch makes its worktree between two short
 * ones (orch/dispatch_with_workspace.ts).
 */
export class OrchStore implements OrchContext {
  readonly db: Db;
  readonly clock: Clock;
  readonly inbox: InboxStore;
  readonly workspaces: WorkspaceProvider | undefined;

  constructor(db: Db, options: { clock?: Clock; workspaces?: WorkspaceProvider } = {}) {
    this.db = db;
    this.clock = options.clock ?? systemClock;
    this.inbox = new InboxStore(db, this.clock);
    this.workspaces = options.workspaces;
  }

  /** The store clock's time as stored (ISO 8601). */
  nowIso(): string {
    return nowIso(this);
  }

  /** See {@linkcode createRun}. */
  async createRun(input: Parameters<typeof createRun>[1]): Promise<Run> {
    return (await import("./orch/create_run.ts")).createRun(this, input);
  }

  /** See {@linkcode getRun}. */
  async getRun(runId: string): Promise<Run> {
    return (await import("./orch/get_run.ts")).getRun(this, runId);
  }

  /** See {@linkcode countTasks}. */
  async countTasks(runId: string): Promise<TaskCounts> {
    return (await import("./orch/count_tasks.ts")).countTasks(this, runId);
  }

  /** See {@linkcode showRun}. */
  async showRun(runId: string): Promise<{ run: Run; counts: TaskCounts }> {
    return (await import("./orch/show_run.ts")).showRun(this, runId);
  }

  /** See {@linkcode addTask}. */
  async addTask(input: Parameters<typeof addTask>[1]): Promise<Task> {
    return (await import("./orch/add_task.ts")).addTask(this, input);
  }

  /** See {@linkcode getTask}. */
  async getTask(runId: string, taskId: string): Promise<Task> {
    return (await import("./orch/get_task.ts")).getTask(this, runId, taskId);
  }

  /** See {@linkcode listTasks}. */
  async listTasks(runId: string): Promise<Task[]> {
    return (await import("./orch/list_tasks.ts")).listTasks(this, runId);
  }

  /** See {@linkcode addDep}. */
  async addDep(
    input: { runId: string; taskId: string; dependsOn: string },
  ): Promise<{ task: Task; created: boolean }> {
    return (await import("./orch/add_dep.ts")).addDep(this, input);
  }

  /** See {@linkcode readyTasks}. */
  async readyTasks(runId: string): Promise<Task[]> {
    return (await import("./orch/ready_tasks.ts")).readyTasks(this, runId);
  }

  /** See {@linkcode getAttempt}. */
  async getAttempt(attemptId: number): Promise<Attempt> {
    return (await import("./orch/get_attempt.ts")).getAttempt(this, attemptId);
  }

  /** See {@linkcode latestAttempt}. */
  async latestAttempt(runId: string, taskId: string): Promise<Attempt | null> {
    return (await import("./orch/latest_attempt.ts")).latestAttempt(this, runId, taskId);
  }

  /** See {@linkcode dispatch}. */
  async dispatch(input: DispatchInput): Promise<DispatchResult> {
    return (await import("./orch/dispatch.ts")).dispatch(this, input);
  }

  /** See {@linkcode reconcile}. */
  async reconcile(runId: string): Promise<ReconcileResult> {
    return (await import("./orch/reconcile.ts")).reconcile(this, runId);
  }

  /** See {@linkcode needsGit}. */
  async needsGit(runId: string): Promise<boolean> {
    return (await import("./orch/needs_git.ts")).needsGit(this, runId);
  }

  /** See {@linkcode status}. */
  async status(runId: string): Promise<{ run: Run; counts: TaskCounts; tasks: TaskView[] }> {
    return (await import("./orch/status.ts")).status(this, runId);
  }

  /** See {@linkcode statusJson}. */
  async statusJson(runId: string): Promise<{ run: Run; counts: TaskCounts; tasks_json: string[] }> {
    return (await import("./orch/status_json.ts")).statusJson(this, runId);
  }

  /** See {@linkcode blockedTasks}. */
  async blockedTasks(runId: string): Promise<BlockedTask[]> {
    return (await import("./orch/blocked_tasks.ts")).blockedTasks(this, runId);
  }

  /** See {@linkcode eventsAfter}. */
  async eventsAfter(
    runId: string,
    after: number,
    types: readonly string[],
    limit = EVENTS_PAGE_MAX,
  ): Promise<EventRecord[]> {
    return (await import("./orch/events_after.ts")).eventsAfter(this, {
      runId,
      after,
      types,
      limit,
    });
  }

  /** See {@linkcode answer}. */
  async answer(input: Parameters<typeof answer>[1]): ReturnType<typeof answer> {
    return (await import("./orch/answer.ts")).answer(this, input);
  }

  /** See {@linkcode retry}. */
  async retry(input: Parameters<typeof retry>[1]): Promise<DispatchResult> {
    return (await import("./orch/retry.ts")).retry(this, input);
  }

  /** See {@linkcode reassign}. */
  async reassign(input: Parameters<typeof reassign>[1]): Promise<DispatchResult> {
    return (await import("./orch/reassign.ts")).reassign(this, input);
  }

  /** See {@linkcode cancel}. */
  async cancel(input: { runId: string; taskId?: string; reason?: string }): Promise<CancelResult> {
    return (await import("./orch/cancel.ts")).cancel(this, input);
  }

  /** Removes worktrees of finished attempts: see cleanup_workspaces.ts. */
  async cleanup(
    input: { runId: string; taskId?: string; allCompleted?: boolean; force?: boolean },
  ): Promise<CleanupResult> {
    return (await import("./orch/cleanup_workspaces.ts")).cleanupWorkspaces(this, {
      runId: input.runId,
      ...(input.taskId !== undefined ? { taskId: input.taskId } : {}),
      ...(input.force !== undefined ? { force: input.force } : {}),
    });
  }

  /** See {@linkcode finishedActiveWorkspaces}. */
  async finishedActiveWorkspaces(runId: string, taskId: string | undefined): Promise<Attempt[]> {
    return (await import("./orch/finished_active_workspaces.ts")).finishedActiveWorkspaces(
      this,
      runId,
      taskId,
    );
  }
}

export { type Attempt, type Run, type Task, type TaskStatus };
