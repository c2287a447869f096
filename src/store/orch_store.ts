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
import type {
  Attempt,
  Run,
  Task,
  TaskCounts,
  TaskStatus,
  WorkspaceProvider,
} from "./orch_types.ts";
import { addDep } from "./orch/add_dep.ts";
import { addTask } from "./orch/add_task.ts";
import { answer } from "./orch/answer.ts";
import { type BlockedTask, blockedTasks } from "./orch/blocked_tasks.ts";
import { cancel, type CancelResult } from "./orch/cancel.ts";
import { type CleanupResult, cleanupWorkspaces } from "./orch/cleanup_workspaces.ts";
import { nowIso, type OrchContext } from "./orch/context.ts";
import { countTasks } from "./orch/count_tasks.ts";
import { createRun } from "./orch/create_run.ts";
import { dispatch, type DispatchInput } from "./orch/dispatch.ts";
import type { DispatchResult } from "./orch/dispatch_result.ts";
import { eventsAfter } from "./orch/events_after.ts";
import { finishedActiveWorkspaces } from "./orch/finished_active_workspaces.ts";
import { getAttempt } from "./orch/get_attempt.ts";
import { getRun } from "./orch/get_run.ts";
import { getTask } from "./orch/get_task.ts";
import { latestAttempt } from "./orch/latest_attempt.ts";
import { listTasks } from "./orch/list_tasks.ts";
import { needsGit } from "./orch/needs_git.ts";
import { readyTasks } from "./orch/ready_tasks.ts";
import { reassign } from "./orch/reassign.ts";
import { reconcile, type ReconcileResult } from "./orch/reconcile.ts";
import { retry } from "./orch/retry.ts";
import { showRun } from "./orch/show_run.ts";
import { status, type TaskView } from "./orch/status.ts";
import { statusJson } from "./orch/status_json.ts";

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
  createRun(input: Parameters<typeof createRun>[1]): Promise<Run> {
    return createRun(this, input);
  }

  /** See {@linkcode getRun}. */
  getRun(runId: string): Promise<Run> {
    return getRun(this, runId);
  }

  /** See {@linkcode countTasks}. */
  countTasks(runId: string): Promise<TaskCounts> {
    return countTasks(this, runId);
  }

  /** See {@linkcode showRun}. */
  showRun(runId: string): Promise<{ run: Run; counts: TaskCounts }> {
    return showRun(this, runId);
  }

  /** See {@linkcode addTask}. */
  addTask(input: Parameters<typeof addTask>[1]): Promise<Task> {
    return addTask(this, input);
  }

  /** See {@linkcode getTask}. */
  getTask(runId: string, taskId: string): Promise<Task> {
    return getTask(this, runId, taskId);
  }

  /** See {@linkcode listTasks}. */
  listTasks(runId: string): Promise<Task[]> {
    return listTasks(this, runId);
  }

  /** See {@linkcode addDep}. */
  addDep(
    input: { runId: string; taskId: string; dependsOn: string },
  ): Promise<{ task: Task; created: boolean }> {
    return addDep(this, input);
  }

  /** See {@linkcode readyTasks}. */
  readyTasks(runId: string): Promise<Task[]> {
    return readyTasks(this, runId);
  }

  /** See {@linkcode getAttempt}. */
  getAttempt(attemptId: number): Promise<Attempt> {
    return getAttempt(this, attemptId);
  }

  /** See {@linkcode latestAttempt}. */
  latestAttempt(runId: string, taskId: string): Promise<Attempt | null> {
    return latestAttempt(this, runId, taskId);
  }

  /** See {@linkcode dispatch}. */
  dispatch(input: DispatchInput): Promise<DispatchResult> {
    return dispatch(this, input);
  }

  /** See {@linkcode reconcile}. */
  reconcile(runId: string): Promise<ReconcileResult> {
    return reconcile(this, runId);
  }

  /** See {@linkcode needsGit}. */
  needsGit(runId: string): Promise<boolean> {
    return needsGit(this, runId);
  }

  /** See {@linkcode status}. */
  status(runId: string): Promise<{ run: Run; counts: TaskCounts; tasks: TaskView[] }> {
    return status(this, runId);
  }

  /** See {@linkcode statusJson}. */
  statusJson(runId: string): Promise<{ run: Run; counts: TaskCounts; tasks_json: string }> {
    return statusJson(this, runId);
  }

  /** See {@linkcode blockedTasks}. */
  blockedTasks(runId: string): Promise<BlockedTask[]> {
    return blockedTasks(this, runId);
  }

  /** See {@linkcode eventsAfter}. */
  eventsAfter(
    runId: string,
    after: number,
    types: readonly string[],
    limit = 1000,
  ): Promise<EventRecord[]> {
    return eventsAfter(this, { runId, after, types, limit });
  }

  /** See {@linkcode answer}. */
  answer(input: Parameters<typeof answer>[1]): ReturnType<typeof answer> {
    return answer(this, input);
  }

  /** See {@linkcode retry}. */
  retry(input: Parameters<typeof retry>[1]): Promise<DispatchResult> {
    return retry(this, input);
  }

  /** See {@linkcode reassign}. */
  reassign(input: Parameters<typeof reassign>[1]): Promise<DispatchResult> {
    return reassign(this, input);
  }

  /** See {@linkcode cancel}. */
  cancel(input: { runId: string; taskId?: string; reason?: string }): Promise<CancelResult> {
    return cancel(this, input);
  }

  /** Removes worktrees of finished attempts: see cleanup_workspaces.ts. */
  cleanup(
    input: { runId: string; taskId?: string; allCompleted?: boolean; force?: boolean },
  ): Promise<CleanupResult> {
    return cleanupWorkspaces(this, {
      runId: input.runId,
      ...(input.taskId !== undefined ? { taskId: input.taskId } : {}),
      ...(input.force !== undefined ? { force: input.force } : {}),
    });
  }

  /** See {@linkcode finishedActiveWorkspaces}. */
  finishedActiveWorkspaces(runId: string, taskId: string | undefined): Promise<Attempt[]> {
    return finishedActiveWorkspaces(this, runId, taskId);
  }
}

export { type Attempt, type Run, type Task, type TaskStatus };
