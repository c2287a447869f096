import { mapSeq } from "./map_seq.ts";
import type { Db, Row } from "../storage/db.ts";
import { AppError } from "../protocol/errors.ts";
import { appendEvent, eventFromRow, type EventRecord } from "./append_event.ts";
import { insertNewTaskDeps } from "./orch/insert_new_task_deps.ts";
import { type Clock, iso, systemClock } from "./clock.ts";
import { parseStoredJson, toStoredJson } from "./stored_json.ts";
import { requireText } from "./require_text.ts";
import { InboxStore } from "./inbox_store.ts";
import { messageFromRow } from "./inbox/message_row.ts";
import type { Message, Thread } from "./inbox_types.ts";
import {
  ACTIVE_TASK_STATUSES,
  type Attempt,
  type AttemptInspection,
  type ExecutionMode,
  FINAL_TASK_STATUSES,
  type Run,
  type RunStatus,
  type StoredTaskStatus,
  type Task,
  TASK_STATUSES,
  type TaskCounts,
  type TaskStatus,
  type Workspace,
  type WorkspaceProvider,
} from "./orch_types.ts";
import { foldThreadEvent, isReady } from "./orch_rules.ts";
import { databaseId } from "./database_id.ts";
import { sqlFor } from "../storage/sql_fragments.ts";
import { nextAttemptId } from "./orch/next_attempt_id.ts";
import {
  ATTEMPT_JSON_SQL,
  ATTEMPT_SELECT,
  ATTEMPT_THREAD_COLUMNS,
  attemptFromRow,
} from "./orch/attempt_row.ts";
import { workerEventFields } from "./orch/worker_event_fields.ts";
import { applyAcceptance, attemptsToVerify, wouldChange } from "./orch/accept_attempt.ts";
import { attentionMessage } from "./orch/accept_rules.ts";
import {
  type DispatchCheck,
  dispatchWithWorkspace,
  nextAttemptNumber,
} from "./orch/dispatch_with_workspace.ts";
import { sameStack, type StackDep, stackDeps } from "./orch/stack_deps.ts";
import { redispatchStart } from "./orch/carry_forward.ts";
import { type AnalysisView, analysisView } from "./orch/analysis_view.ts";
import { cleanupWorkspaces } from "./orch/cleanup_workspaces.ts";
import { maybeCompleteRun } from "./orch/run_completion.ts";

/** The agent name orch writes inbox threads as. */
export const LEADER_AGENT = "orch";

export interface DispatchInput {
  runId: string;
  taskId: string;
  mode: ExecutionMode;
  to?: string;
  body?: string;
  repoPath?: string;
  workspaceRoot?: string;
  baseRef?: string;
  idempotencyKey?: string;
  /** Code mode: start from the bare base, without the done dependencies' work. */
  fromBase?: boolean;
}

export interface DispatchResult {
  run: Run;
  task: Task;
  attempt: Attempt;
  thread: Thread;
  message: Message;
  /** True when an earlier dispatch with the same idempotency key was returned. */
  replayed: boolean;
}

export interface TaskView extends Task {
  latest_attempt: Attempt | null;
  latest_message: Message | null;
}

export interface ReconcileResult {
  changes: Array<
    { task_id: string; attempt_id: number; from: string; to: string; event_id: number }
  >;
  events: EventRecord[];
}

function _json(text: unknown): unknown {
  return parseStoredJson(text);
}

function _runFromRow(r: Row): Run {
  return {
    id: String(r["id"]),
    goal: String(r["goal"]),
    summary: String(r["summary"]),
    status: r["status"] as RunStatus,
    kind: String(r["kind"]),
    meta: _json(r["meta"]),
    created_at: String(r["created_at"]),
    updated_at: String(r["updated_at"]),
  };
}

/**
 * The leader's store: runs, tasks, dependencies, attempts. Every state
 * change and its events commit in one transaction; a code-mode dispatch makes
 * its worktree between two short ones (orch/dispatch_with_workspace.ts).
 */
export class OrchStore {
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

  #now(): string {
    return iso(this.clock.now());
  }

  /** The store clock's time as stored (ISO 8601). */
  nowIso(): string {
    return this.#now();
  }

  // ---- runs --------------------------------------------------------------

  async createRun(input: {
    runId: string;
    goal: string;
    summary?: string;
    kind?: string;
    meta?: unknown;
  }): Promise<Run> {
    requireText(input.goal, "goal");
    requireText(input.summary, "summary");
    return await this.db.write(async () => {
      if (await this.db.get("SELECT 1 FROM runs WHERE id = ?", input.runId)) {
        throw new AppError("ALREADY_EXISTS", `Run "${input.runId}" already exists`, {
          run_id: input.runId,
        });
      }
      const now = this.#now();
      await this.db.run(
        `INSERT INTO runs (id, goal, summary, status, kind, meta, created_at, updated_at)
         VALUES (?, ?, ?, 'active', ?, ?, ?, ?)`,
        input.runId,
        input.goal,
        input.summary ?? "",
        input.kind ?? "run",
        toStoredJson(input.meta, "run metadata"),
        now,
        now,
      );
      await appendEvent(this.db, {
        ts: now,
        type: "run_created",
        runId: input.runId,
        payload: { goal: input.goal, kind: input.kind ?? "run" },
      });
      return this.getRun(input.runId);
    });
  }

  async getRun(runId: string): Promise<Run> {
    const row = await this.db.get("SELECT * FROM runs WHERE id = ?", runId);
    if (!row) {
      throw new AppError("RUN_NOT_FOUND", `Run "${runId}" does not exist`, { run_id: runId });
    }
    return _runFromRow(row);
  }

  /** Task counts by status (ready derived), without reconciling: cheap. */
  async countTasks(runId: string): Promise<TaskCounts> {
    const counts = _zeroCounts();
    for (
      const r of await this.db.all(
        "SELECT status, COUNT(*) AS n FROM tasks WHERE run_id = ? GROUP BY status",
        runId,
      )
    ) {
      counts[r["status"] as StoredTaskStatus] = Number(r["n"]);
      counts.total += Number(r["n"]);
    }
    const ready = Number(
      (await this.db.get(
        `SELECT COUNT(*) AS n FROM tasks t WHERE t.run_id = ? AND t.status = 'pending' AND NOT EXISTS (
           SELECT 1 FROM deps d JOIN tasks u ON u.run_id = d.run_id AND u.id = d.depends_on
           WHERE d.run_id = t.run_id AND d.task_id = t.id AND u.status <> 'done')`,
        runId,
      ))?.["n"] ?? 0,
    );
    counts.ready = ready;
    counts.pending -= ready;
    return counts;
  }

  async showRun(runId: string): Promise<{ run: Run; counts: TaskCounts }> {
    return await this.db.read(async () => ({
      run: await this.getRun(runId),
      counts: await this.countTasks(runId),
    }));
  }

  // ---- tasks and deps ----------------------------------------------------

  async addTask(input: {
    runId: string;
    taskId: string;
    title: string;
    summary?: string;
    defaultTo?: string;
    acceptance?: unknown;
    /** The mode dispatch uses when not given one. */
    executionMode?: ExecutionMode;
    /** Tasks of the run it waits for, recorded with it in the same transaction. */
    dependsOn?: readonly string[];
  }): Promise<Task> {
    requireText(input.title, "title");
    requireText(input.summary, "summary");
    return await this.db.write(async () => {
      const run = await this.getRun(input.runId);
      // A completed run takes new work: it becomes active again. A cancelled one does not.
      if (run.status !== "completed") _requireActiveRun(run);
      if (
        await this.db.get(
          "SELECT 1 FROM tasks WHERE run_id = ? AND id = ?",
          input.runId,
          input.taskId,
        )
      ) {
        throw new AppError(
          "ALREADY_EXISTS",
          `Task "${input.taskId}" already exists in run "${input.runId}"`,
          { run_id: input.runId, task_id: input.taskId },
        );
      }
      const now = this.#now();
      if (run.status === "completed") {
        await this.db.run(
          "UPDATE runs SET status = 'active', updated_at = ? WHERE id = ?",
          now,
          run.id,
        );
        await appendEvent(this.db, {
          ts: now,
          type: "run_reopened",
          runId: run.id,
          payload: { reason: `task "${input.taskId}" added` },
        });
      }
      const seq = Number(
        (await this.db.get(
          "SELECT COALESCE(MAX(seq), 0) + 1 AS s FROM tasks WHERE run_id = ?",
          input.runId,
        ))
          ?.["s"],
      );
      await this.db.run(
        `INSERT INTO tasks (run_id, id, title, summary, default_to, execution_mode, acceptance, status, seq, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)`,
        input.runId,
        input.taskId,
        input.title,
        input.summary ?? "",
        input.defaultTo ?? null,
        input.executionMode ?? null,
        toStoredJson(input.acceptance, "acceptance criteria"),
        seq,
        now,
        now,
      );
      await appendEvent(this.db, {
        ts: now,
        type: "task_added",
        runId: input.runId,
        taskId: input.taskId,
        payload: { title: input.title },
      });
      await insertNewTaskDeps(this.db, {
        runId: input.runId,
        taskId: input.taskId,
        dependsOn: input.dependsOn ?? [],
        now,
      });
      return this.getTask(input.runId, input.taskId);
    });
  }

  async getTask(runId: string, taskId: string): Promise<Task> {
    const row = await this.db.get("SELECT * FROM tasks WHERE run_id = ? AND id = ?", runId, taskId);
    if (!row) {
      await this.getRun(runId);
      throw new AppError("TASK_NOT_FOUND", `Task "${taskId}" does not exist in run "${runId}"`, {
        run_id: runId,
        task_id: taskId,
      });
    }
    const deps = await this.db.all(
      `SELECT d.depends_on AS id, u.status AS status FROM deps d
       JOIN tasks u ON u.run_id = d.run_id AND u.id = d.depends_on
       WHERE d.run_id = ? AND d.task_id = ? ORDER BY u.seq`,
      runId,
      taskId,
    );
    return this.#taskFromRow(
      row,
      deps.map((d) => String(d["id"])),
      deps.map((d) => String(d["status"])),
    );
  }

  #taskFromRow(r: Row, dependsOn: string[], depStatuses: string[]): Task {
    const stored = r["status"] as StoredTaskStatus;
    return {
      run_id: String(r["run_id"]),
      id: String(r["id"]),
      title: String(r["title"]),
      summary: String(r["summary"]),
      default_to: (r["default_to"] as string | null) ?? null,
      execution_mode: (r["execution_mode"] as ExecutionMode | null) ?? null,
      acceptance: _json(r["acceptance"]),
      status: isReady(stored, depStatuses) ? "ready" : stored,
      depends_on: dependsOn,
      created_at: String(r["created_at"]),
      updated_at: String(r["updated_at"]),
    };
  }

  /** Every task of the run in creation order, with dependencies and derived readiness. */
  async listTasks(runId: string): Promise<Task[]> {
    const rows = await this.db.all("SELECT * FROM tasks WHERE run_id = ? ORDER BY seq", runId);
    const status = new Map(rows.map((r) => [String(r["id"]), String(r["status"])]));
    const seq = new Map(rows.map((r) => [String(r["id"]), Number(r["seq"])]));
    const deps = new Map<string, string[]>();
    for (
      const d of await this.db.all("SELECT task_id, depends_on FROM deps WHERE run_id = ?", runId)
    ) {
      const k = String(d["task_id"]);
      const list = deps.get(k) ?? [];
      list.push(String(d["depends_on"]));
      deps.set(k, list);
    }
    return rows.map((r) => {
      // Dependencies in the order their tasks were added, as getTask lists them.
      const ds = (deps.get(String(r["id"])) ?? []).sort((a, b) => seq.get(a)! - seq.get(b)!);
      return this.#taskFromRow(r, ds, ds.map((d) => status.get(d) ?? "pending"));
    });
  }

  /**
   * Records that `taskId` depends on `dependsOn`. Both must exist; the task
   * must not have started; a dependency that would close a cycle is
   * refused and nothing is written. Adding an existing edge changes nothing.
   */
  async addDep(input: { runId: string; taskId: string; dependsOn: string }): Promise<{
    task: Task;
    created: boolean;
  }> {
    return await this.db.write(async () => {
      _requireActiveRun(await this.getRun(input.runId));
      const task = await this.getTask(input.runId, input.taskId);
      await this.getTask(input.runId, input.dependsOn);
      if (
        await this.db.get(
          "SELECT 1 FROM deps WHERE run_id = ? AND task_id = ? AND depends_on = ?",
          input.runId,
          input.taskId,
          input.dependsOn,
        )
      ) return { task, created: false };
      if (task.status !== "pending" && task.status !== "ready") {
        throw new AppError(
          "INVALID_STATE",
          `Task "${input.taskId}" is already ${task.status}: dependencies can only be added before dispatch`,
          { run_id: input.runId, task_id: input.taskId, status: task.status },
        );
      }
      // A cycle exists if taskId is reachable from dependsOn through existing edges.
      const path = await this.#dependencyPath(input.runId, input.dependsOn, input.taskId);
      if (path) {
        throw new AppError(
          "DEPENDENCY_CYCLE",
          `Task "${input.taskId}" cannot depend on "${input.dependsOn}": that would close the cycle ${
            [input.taskId, ...path].join(" -> ")
          }`,
          {
            run_id: input.runId,
            task_id: input.taskId,
            depends_on: input.dependsOn,
            cycle: [input.taskId, ...path],
          },
        );
      }
      const now = this.#now();
      await this.db.run(
        "INSERT INTO deps (run_id, task_id, depends_on) VALUES (?, ?, ?)",
        input.runId,
        input.taskId,
        input.dependsOn,
      );
      await this.db.run(
        "UPDATE tasks SET updated_at = ? WHERE run_id = ? AND id = ?",
        now,
        input.runId,
        input.taskId,
      );
      await appendEvent(this.db, {
        ts: now,
        type: "dep_added",
        runId: input.runId,
        taskId: input.taskId,
        payload: { depends_on: input.dependsOn },
      });
      return { task: await this.getTask(input.runId, input.taskId), created: true };
    });
  }

  /** A dependency path from `from` to `to` (inclusive), or undefined. */
  async #dependencyPath(runId: string, from: string, to: string): Promise<string[] | undefined> {
    if (from === to) return [from];
    const parent = new Map<string, string>();
    const queue = [from];
    const seen = new Set([from]);
    while (queue.length) {
      const cur = queue.shift()!;
      for (
        const r of await this.db.all(
          "SELECT depends_on FROM deps WHERE run_id = ? AND task_id = ?",
          runId,
          cur,
        )
      ) {
        const next = String(r["depends_on"]);
        if (seen.has(next)) continue;
        seen.add(next);
        parent.set(next, cur);
        if (next === to) {
          const path = [to];
          let p = to;
          while (p !== from) {
            p = parent.get(p)!;
            path.unshift(p);
          }
          return path;
        }
        queue.push(next);
      }
    }
    return undefined;
  }

  /** Tasks that can be dispatched now: pending, every dependency done. */
  async readyTasks(runId: string): Promise<Task[]> {
    return await this.db.read(async () => {
      await this.getRun(runId);
      const rows = await this.db.all(
        `SELECT t.* FROM tasks t WHERE t.run_id = ? AND t.status = 'pending' AND NOT EXISTS (
           SELECT 1 FROM deps d JOIN tasks u ON u.run_id = d.run_id AND u.id = d.depends_on
           WHERE d.run_id = t.run_id AND d.task_id = t.id AND u.status <> 'done')
         ORDER BY t.seq`,
        runId,
      );
      const deps = new Map<string, string[]>();
      for (
        const d of await this.db.all(
          `SELECT d.task_id, d.depends_on FROM deps d JOIN tasks t ON t.run_id = d.run_id AND t.id = d.task_id
           WHERE d.run_id = ? AND t.status = 'pending'`,
          runId,
        )
      ) {
        const k = String(d["task_id"]);
        deps.set(k, [...(deps.get(k) ?? []), String(d["depends_on"])]);
      }
      return rows.map((r) => {
        const ds = deps.get(String(r["id"])) ?? [];
        return this.#taskFromRow(r, ds, ds.map(() => "done"));
      });
    });
  }

  // ---- attempts ----------------------------------------------------------

  async getAttempt(attemptId: number): Promise<Attempt> {
    const row = await this.db.get(`${ATTEMPT_SELECT} WHERE a.id = ?`, attemptId);
    if (!row) {
      throw new AppError("ATTEMPT_NOT_FOUND", `Attempt ${attemptId} does not exist`, {
        attempt_id: attemptId,
      });
    }
    return attemptFromRow(row, this.#now());
  }

  async latestAttempt(runId: string, taskId: string): Promise<Attempt | null> {
    const row = await this.db.get(
      `${ATTEMPT_SELECT} WHERE a.run_id = ? AND a.task_id = ? ORDER BY a.n DESC LIMIT 1`,
      runId,
      taskId,
    );
    return row ? attemptFromRow(row, this.#now()) : null;
  }

  /**
   * Dispatches a ready task (after folding worker progress, so a dependency
   * that just finished counts): creates the attempt and its inbox thread
   * (payload: run, task, attempt, acceptance, workspace) in one transaction.
   * In code mode the fresh worktree is made outside any transaction, between
   * a reservation and that commit (see dispatch_with_workspace.ts); if
   * anything fails, nothing is written and the worktree is removed again. A
   * repeat with the same idempotency key returns the first attempt.
   */
  async dispatch(input: DispatchInput): Promise<DispatchResult> {
    // Settle finished code dependencies first (git reads, outside the transaction).
    if (this.workspaces) await this.reconcile(input.runId);
    const attemptOptions = (
      workspace: Workspace | undefined,
      n?: number,
      deps: StackDep[] = [],
    ) => ({
      mode: input.mode,
      to: input.to,
      body: input.body,
      workspace,
      n,
      idempotencyKey: input.idempotencyKey,
      event: "task_dispatched",
      deps,
    });
    if (input.mode === "code") {
      // Stacked dispatch: read what the done dependencies hold now; git merges it outside any
      // transaction, and the commit checks it is still what the dependencies hold.
      const stackNow = async () =>
        input.fromBase ? [] : await stackDeps(this.db, input.runId, input.taskId);
      const stack = await this.db.read(stackNow);
      return dispatchWithWorkspace(this, {
        runId: input.runId,
        taskId: input.taskId,
        request: {
          repoPath: input.repoPath,
          workspaceRoot: input.workspaceRoot,
          baseRef: input.baseRef,
          baseCommit: undefined,
          ...(stack.length ? { stack, label: `${input.runId}/${input.taskId}` } : {}),
        },
        check: () => this.#checkDispatch(input),
        commit: async (task, workspace, n) => {
          const now = await stackNow();
          if (!sameStack(now, stack)) {
            throw new AppError(
              "INVALID_STATE",
              `The dependencies of task "${input.taskId}" changed while it was dispatched: dispatch it again`,
              { run_id: input.runId, task_id: input.taskId },
            );
          }
          return this.#dispatchResult(
            await this.#createAttempt(task, attemptOptions(workspace, n, stack)),
            false,
          );
        },
      });
    }
    // Analysis: the dependencies' work integrated as a commit (git, before the transaction),
    // kept under a read-only ref once the attempt exists.
    const view = await analysisView(this.db, this.workspaces, input);
    let kept: { repo: string; ref: string; commit: string } | undefined;
    const r = await this.db.write(async () => {
      kept = undefined;
      const c = await this.#checkDispatch(input);
      if ("replay" in c) return c.replay;
      let withRef: (AnalysisView & { ref: string }) | undefined;
      if (view) {
        const now = await stackDeps(this.db, input.runId, input.taskId);
        if (!view.stack.every((d) => now.some((x) => sameStack([x], [d])))) {
          throw new AppError(
            "INVALID_STATE",
            `The dependencies of task "${input.taskId}" changed while it was dispatched: dispatch it again`,
            { run_id: input.runId, task_id: input.taskId },
          );
        }
        const ref = this.workspaces!.viewRef({
          databaseId: await databaseId(this.db),
          runId: input.runId,
          taskId: input.taskId,
          attemptNumber: await nextAttemptNumber(this.db, input.runId, input.taskId),
        });
        withRef = { ...view, ref };
        kept = { repo: view.repo_path, ref, commit: view.commit };
      }
      return this.#dispatchResult(
        await this.#createAttempt(c.task, {
          ...attemptOptions(undefined, undefined, view?.stack ?? []),
          ...(withRef ? { view: withRef } : {}),
        }),
        false,
      );
    });
    if (kept) this.workspaces!.keepRef(kept.repo, kept.ref, kept.commit);
    return r;
  }

  /** Whether `input` may be dispatched now (inside a write transaction). */
  async #checkDispatch(input: DispatchInput): Promise<DispatchCheck> {
    if (input.idempotencyKey !== undefined) {
      const prior = await this.db.get(
        "SELECT id FROM attempts WHERE idempotency_key = ?",
        input.idempotencyKey,
      );
      if (prior) {
        const attempt = await this.getAttempt(Number(prior["id"]));
        if (attempt.run_id !== input.runId || attempt.task_id !== input.taskId) {
          throw new AppError(
            "IDEMPOTENCY_CONFLICT",
            `Idempotency key "${input.idempotencyKey}" was already used for task "${attempt.task_id}" of run "${attempt.run_id}"`,
            { attempt_id: attempt.id, idempotency_key: input.idempotencyKey },
          );
        }
        return { replay: await this.#dispatchResult(attempt, true) };
      }
    }
    const run = await this.getRun(input.runId);
    _requireActiveRun(run);
    // Fold worker progress first: a dependency may have finished since the
    // last reconcile, and readiness is decided on the folded state.
    await this.#reconcileInTx(input.runId);
    const task = await this.getTask(input.runId, input.taskId);
    if (task.status !== "ready") {
      const waiting = task.status === "pending"
        ? (await this.db.all(
          `SELECT d.depends_on AS id, u.status AS status FROM deps d
           JOIN tasks u ON u.run_id = d.run_id AND u.id = d.depends_on
           WHERE d.run_id = ? AND d.task_id = ? AND u.status <> 'done' ORDER BY u.seq`,
          input.runId,
          input.taskId,
        )).map((r) => ({ task_id: String(r["id"]), status: String(r["status"]) }))
        : [];
      const why = waiting.length
        ? `dependency "${waiting[0]!.task_id}" is not done (${waiting[0]!.status})`
        : `it is ${task.status}`;
      throw new AppError("TASK_NOT_READY", `Cannot dispatch task "${input.taskId}": ${why}`, {
        run_id: input.runId,
        task_id: input.taskId,
        status: task.status,
        waiting_on: waiting,
      });
    }
    this.#requireAssignee(task, input.to);
    return { task };
  }

  #requireAssignee(task: Task, to: string | undefined): string {
    const assignedTo = to ?? task.default_to;
    if (!assignedTo) {
      throw new AppError(
        "USAGE",
        `Task "${task.id}" has no default worker: pass --to AGENT`,
        { run_id: task.run_id, task_id: task.id },
      );
    }
    return assignedTo;
  }

  async #dispatchResult(attempt: Attempt, replayed: boolean): Promise<DispatchResult> {
    const thread = await this.inbox.getThread(attempt.thread_id);
    const first = (await this.db.get(
      "SELECT * FROM messages WHERE thread_id = ? ORDER BY id LIMIT 1",
      thread.id,
    ))!;
    return {
      run: await this.getRun(attempt.run_id),
      task: await this.getTask(attempt.run_id, attempt.task_id),
      attempt,
      thread,
      message: messageFromRow(first),
      replayed,
    };
  }

  /**
   * Creates attempt n+1 for `task` (inside the caller's transaction), with
   * the workspace a code-mode dispatch made for it (whose attempt number
   * `n` it checks).
   */
  async #createAttempt(task: Task, o: {
    mode: ExecutionMode;
    to: string | undefined;
    body: string | undefined;
    workspace: Workspace | undefined;
    n?: number | undefined;
    idempotencyKey: string | undefined;
    event: string;
    eventPayload?: Record<string, unknown>;
    conflictMerge?: { commit: string; message: string };
    /** The included dependencies with their result summaries, for the payload. */
    deps?: readonly StackDep[];
    /** Analysis: the integrated view the worker reads, and the ref it is kept under. */
    view?: AnalysisView & { ref: string };
  }): Promise<Attempt> {
    const assignedTo = this.#requireAssignee(task, o.to);
    const n = Number(
      (await this.db.get(
        "SELECT COALESCE(MAX(n), 0) + 1 AS n FROM attempts WHERE run_id = ? AND task_id = ?",
        task.run_id,
        task.id,
      ))?.["n"],
    );
    if (o.n !== undefined && o.n !== n) {
      throw new AppError(
        "WORKSPACE_ERROR",
        `Attempt ${o.n} of task "${task.id}" was prepared, but the next attempt is ${n}`,
        { run_id: task.run_id, task_id: task.id },
      );
    }
    const workspace = o.workspace;
    const now = this.#now();
    const attemptId = await nextAttemptId(this.db);
    const payload = {
      run_id: task.run_id,
      task_id: task.id,
      attempt_id: attemptId,
      attempt_n: n,
      execution_mode: o.mode,
      title: task.title,
      summary: task.summary,
      acceptance: task.acceptance,
      repo_path: workspace?.repo_path ?? o.view?.repo_path ?? null,
      base_ref: workspace?.base_ref ?? o.view?.base_ref ?? null,
      base_commit: workspace?.base_commit ?? o.view?.base_commit ?? null,
      branch_name: workspace?.branch_name ?? null,
      worktree_path: workspace?.worktree_path ?? null,
      workspace_status: workspace ? "active" : null,
      start_commit: workspace ? workspace.start_commit ?? workspace.base_commit : null,
      // What the worker builds on: each dependency's task, branch, commit and result summary.
      included_deps: workspace?.included_deps?.length || o.view ? o.deps ?? [] : [],
      ...(o.view ? { view_ref: o.view.ref, view_commit: o.view.commit } : {}),
      ...(workspace?.conflicts?.length ? { merge_conflicts: workspace.conflicts } : {}),
    };
    const sent = await this.inbox.sendThread({
      from: LEADER_AGENT,
      to: assignedTo,
      subject: `[${task.run_id}/${task.id}] ${task.title}`,
      body: o.body ?? (task.summary || task.title),
      kind: "task",
      payload,
      runId: task.run_id,
      taskId: task.id,
      attemptId,
      ...(task.acceptance && typeof task.acceptance === "object" &&
          (task.acceptance as Record<string, unknown>)["result_contract"]
        ? {
          resultContract: String((task.acceptance as Record<string, unknown>)["result_contract"]),
        }
        : {}),
    });
    await this.db.run(
      `INSERT INTO attempts (id, run_id, task_id, n, assigned_to, thread_id, execution_mode, status,
         repo_path, base_ref, base_commit, branch_name, worktree_path, workspace_status,
         start_commit, included_deps, idempotency_key, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'dispatched', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      attemptId,
      task.run_id,
      task.id,
      n,
      assignedTo,
      sent.thread.id,
      o.mode,
      workspace?.repo_path ?? null,
      workspace?.base_ref ?? null,
      workspace?.base_commit ?? null,
      workspace?.branch_name ?? null,
      workspace?.worktree_path ?? null,
      workspace ? "active" : null,
      workspace ? workspace.start_commit ?? workspace.base_commit : null,
      workspace?.included_deps?.length ? JSON.stringify(workspace.included_deps) : null,
      o.idempotencyKey ?? null,
      now,
      now,
    );
    await this.#setTaskStatus(task.run_id, task.id, "dispatched", now);
    await appendEvent(this.db, {
      ts: now,
      type: o.event,
      runId: task.run_id,
      taskId: task.id,
      threadId: sent.thread.id,
      payload: {
        attempt_id: attemptId,
        attempt_n: n,
        assigned_to: assignedTo,
        execution_mode: o.mode,
        from_status: task.status,
        worktree_path: workspace?.worktree_path ?? null,
        branch_name: workspace?.branch_name ?? null,
        ...o.eventPayload,
      },
    });
    return this.getAttempt(attemptId);
  }

  async #setTaskStatus(
    runId: string,
    taskId: string,
    status: StoredTaskStatus,
    now: string,
  ): Promise<void> {
    await this.db.run(
      "UPDATE tasks SET status = ?, updated_at = ? WHERE run_id = ? AND id = ?",
      status,
      now,
      runId,
      taskId,
    );
  }

  // ---- reconcile ---------------------------------------------------------

  /**
   * Folds inbox thread events of the run (since the run's reconcile cursor)
   * into attempt and task state, appending `task_*` events; marks attempts
   * whose worker lease ran out as stale (`task_stale`, once). Idempotent: a
   * second call with no new worker writes changes nothing.
   */
  async reconcile(runId: string): Promise<ReconcileResult> {
    const workspaces = this.workspaces;
    const quick = await this.db.read(async () => {
      const run = await this.db.get("SELECT reconciled_event_id FROM runs WHERE id = ?", runId);
      if (!run) return undefined;
      const cursor = Number(run["reconciled_event_id"]);
      const toVerify = workspaces
        ? await attemptsToVerify(this.db, runId, cursor, this.#now())
        : [];
      const pending = await this.db.get(
        "SELECT 1 FROM events WHERE run_id = ? AND id > ? AND thread_id IS NOT NULL AND type LIKE 'thread_%' LIMIT 1",
        runId,
        cursor,
      );
      const stale = await this.db.get(
        `SELECT 1 FROM attempts a JOIN threads t ON t.id = a.thread_id
         WHERE a.run_id = ? AND a.stale_at IS NULL AND a.status IN ('in_progress', 'blocked', 'verifying')
           AND t.lease_expires_at <= ? LIMIT 1`,
        runId,
        this.#now(),
      );
      return { pending: !!pending, stale: !!stale, toVerify };
    });
    if (quick === undefined) await this.getRun(runId);
    // Git reads happen here, between the read above and the write below, never
    // inside a transaction; the write re-checks what it applies them to.
    const inspections = new Map<number, AttemptInspection>();
    for (const v of quick?.toVerify ?? []) {
      let inspection: AttemptInspection;
      try {
        inspection = workspaces!.inspect(v.attempt);
      } catch {
        continue; // git failed: the attempt stays unsettled and is read again next time
      }
      if (wouldChange(v, inspection)) inspections.set(v.attempt.id, inspection);
    }
    if (!quick?.pending && !quick?.stale && inspections.size === 0) {
      return { changes: [], events: [] };
    }
    return this.db.write(() => this.#reconcileInTx(runId, inspections));
  }

  /**
   * Whether reconciling the run now needs git: a code attempt whose worker
   * finished and whose result is not settled. A cheap read, so commands that
   * otherwise need no git load it only then.
   */
  async needsGit(runId: string): Promise<boolean> {
    return await this.db.read(async () => {
      const run = await this.db.get("SELECT reconciled_event_id FROM runs WHERE id = ?", runId);
      if (!run) return false;
      return (await attemptsToVerify(
        this.db,
        runId,
        Number(run["reconciled_event_id"]),
        this.#now(),
      ))
        .length > 0;
    });
  }

  async #reconcileInTx(
    runId: string,
    inspections: ReadonlyMap<number, AttemptInspection> = new Map(),
  ): Promise<ReconcileResult> {
    const now = this.#now();
    await this.getRun(runId);
    const cursorRow =
      (await this.db.get("SELECT reconciled_event_id FROM runs WHERE id = ?", runId))!;
    const cursor = Number(cursorRow["reconciled_event_id"]);
    const changes: ReconcileResult["changes"] = [];
    const firstEventId =
      Number((await this.db.get("SELECT COALESCE(MAX(id), 0) AS m FROM events"))?.["m"]) + 1;
    const threadEvents = await this.db.all(
      `SELECT * FROM events WHERE run_id = ? AND id > ? AND thread_id IS NOT NULL AND type LIKE 'thread_%'
       ORDER BY id`,
      runId,
      cursor,
    );
    let last = cursor;
    const handled = new Set<number>();
    for (const e of threadEvents) {
      last = Number(e["id"]);
      const attemptRow = await this.db.get(
        `${ATTEMPT_SELECT} WHERE a.thread_id = ?`,
        Number(e["thread_id"]),
      );
      if (!attemptRow) continue;
      const attempt = attemptFromRow(attemptRow, now);
      const latest = await this.latestAttempt(attempt.run_id, attempt.task_id);
      if (!latest || latest.id !== attempt.id) continue; // superseded attempt
      const payload = JSON.parse(String(e["payload"] ?? "{}")) as Record<string, unknown>;
      const fold = foldThreadEvent(attempt.status, String(e["type"]), payload);
      if (!fold) continue;
      await this.db.run(
        `UPDATE attempts SET status = ?, stale_at = CASE WHEN ? THEN NULL ELSE stale_at END, updated_at = ?
         WHERE id = ?`,
        fold.attempt,
        fold.clearsStale ? 1 : 0,
        now,
        attempt.id,
      );
      if (fold.attempt === attempt.status) continue;
      const task = await this.getTask(attempt.run_id, attempt.task_id);
      // A code attempt's `done` is only the worker's word: the task waits in
      // `verifying` until its worktree and branch are checked (accept_attempt.ts).
      const awaitsAcceptance = fold.task === "done" && attempt.execution_mode === "code" &&
        attempt.worktree_path !== null;
      const taskTo = awaitsAcceptance ? "verifying" : fold.task;
      await this.#setTaskStatus(attempt.run_id, attempt.task_id, taskTo, now);
      if (awaitsAcceptance && inspections.has(attempt.id)) {
        const change = await applyAcceptance(
          this.db,
          attempt.id,
          inspections.get(attempt.id)!,
          now,
          (r, t) => this.#afterTaskDone(r, t, now),
        );
        handled.add(attempt.id);
        if (change) changes.push({ ...change, from: task.status });
        continue;
      }
      // Stamped with the time the worker acted (its thread event), not this reconcile.
      const eventId = await appendEvent(this.db, {
        ts: String(e["ts"]),
        type: `task_${taskTo}`,
        runId,
        taskId: attempt.task_id,
        threadId: attempt.thread_id,
        payload: {
          attempt_id: attempt.id,
          attempt_n: attempt.n,
          assigned_to: attempt.assigned_to,
          from_status: task.status,
          thread_event_id: Number(e["id"]),
          ...await workerEventFields(this.db, String(e["type"]), payload),
          recorded_at: now,
          ...(awaitsAcceptance ? { awaiting_acceptance: true } : {}),
        },
      });
      changes.push({
        task_id: attempt.task_id,
        attempt_id: attempt.id,
        from: task.status,
        to: taskTo,
        event_id: eventId,
      });
      if (taskTo === "done") await this.#afterTaskDone(runId, attempt.task_id, now);
    }
    // Results read earlier for attempts already folded as done (or needing attention).
    for (const [attemptId, inspection] of inspections) {
      if (handled.has(attemptId)) continue;
      const change = await applyAcceptance(
        this.db,
        attemptId,
        inspection,
        now,
        (r, t) => this.#afterTaskDone(r, t, now),
      );
      if (change) changes.push(change);
    }
    // Dead workers: a live attempt whose lease ran out, reported once.
    for (
      const r of await this.db.all(
        `SELECT a.id, a.task_id, a.thread_id, a.assigned_to, a.n, t.lease_expires_at, t.claimed_by
         FROM attempts a
         JOIN threads t ON t.id = a.thread_id
         WHERE a.run_id = ? AND a.stale_at IS NULL AND a.status IN ('in_progress', 'blocked', 'verifying')
           AND t.lease_expires_at <= ?`,
        runId,
        now,
      )
    ) {
      await this.db.run(
        "UPDATE attempts SET stale_at = ?, updated_at = ? WHERE id = ?",
        now,
        now,
        Number(r["id"]),
      );
      // Stamped with the time the lease ran out (the worker's last sign of life plus its lease).
      await appendEvent(this.db, {
        ts: String(r["lease_expires_at"]),
        type: "task_stale",
        runId,
        taskId: String(r["task_id"]),
        threadId: Number(r["thread_id"]),
        payload: {
          attempt_id: Number(r["id"]),
          attempt_n: Number(r["n"]),
          assigned_to: String(r["assigned_to"]),
          holder: r["claimed_by"] == null ? null : String(r["claimed_by"]),
          lease_expired_at: String(r["lease_expires_at"]),
          recorded_at: now,
        },
      });
    }
    if (last !== cursor) {
      await this.db.run("UPDATE runs SET reconciled_event_id = ? WHERE id = ?", last, runId);
    }
    const events = (await this.db.all(
      "SELECT * FROM events WHERE run_id = ? AND id >= ? ORDER BY id",
      runId,
      firstEventId,
    ))
      .map(eventFromRow);
    return { changes, events };
  }

  /** After a task is done: announce dependents that became ready; complete the run when all are done. */
  async #afterTaskDone(runId: string, taskId: string, now: string): Promise<void> {
    for (
      const r of await this.db.all(
        // The ordered join keeps SQLite on deps_reverse (the dependents of this task)
        // instead of scanning every pending task of the run.
        `SELECT t.id FROM deps d ${sqlFor(this.db.dialect).orderedJoin} tasks t
           ON t.run_id = d.run_id AND t.id = d.task_id
         WHERE d.run_id = ? AND d.depends_on = ? AND t.status = 'pending' AND NOT EXISTS (
           SELECT 1 FROM deps d2 JOIN tasks u ON u.run_id = d2.run_id AND u.id = d2.depends_on
           WHERE d2.run_id = t.run_id AND d2.task_id = t.id AND u.status <> 'done')
         ORDER BY t.seq`,
        runId,
        taskId,
      )
    ) {
      await appendEvent(this.db, {
        ts: now,
        type: "task_ready",
        runId,
        taskId: String(r["id"]),
        payload: { unblocked_by: taskId },
      });
    }
    await this.#maybeCompleteRun(runId, now);
  }

  async #maybeCompleteRun(runId: string, now: string): Promise<void> {
    await maybeCompleteRun(this.db, runId, now);
  }

  // ---- views -------------------------------------------------------------

  /** The full run view (call reconcile first): run, counts, tasks with latest attempt and message. */
  async status(runId: string): Promise<{ run: Run; counts: TaskCounts; tasks: TaskView[] }> {
    return await this.db.read(async () => {
      const run = await this.getRun(runId);
      const counts = await this.countTasks(runId);
      const tasks = await this.listTasks(runId);
      const now = this.#now();
      const attempts = new Map<string, Attempt>();
      for (
        const r of await this.db.all(
          `${ATTEMPT_SELECT} WHERE a.run_id = ? AND a.n = (
             SELECT MAX(n) FROM attempts b WHERE b.run_id = a.run_id AND b.task_id = a.task_id)`,
          runId,
        )
      ) attempts.set(String(r["task_id"]), attemptFromRow(r, now));
      const messages = new Map<number, Message>();
      for (
        const r of await this.db.all(
          `SELECT m.* FROM messages m WHERE m.id IN (
             SELECT MAX(m2.id) FROM messages m2 JOIN threads t ON t.id = m2.thread_id
             WHERE t.run_id = ? GROUP BY m2.thread_id)`,
          runId,
        )
      ) messages.set(Number(r["thread_id"]), messageFromRow(r));
      return {
        run,
        counts,
        tasks: tasks.map((t) => {
          const a = attempts.get(t.id) ?? null;
          return {
            ...t,
            latest_attempt: a,
            latest_message: a ? messages.get(a.thread_id) ?? null : null,
          };
        }),
      };
    });
  }

  /**
   * {@linkcode OrchStore.status} with the tasks as JSON text, from one
   * snapshot. SQLite builds each task's JSON in one query and `orch --json
   * status` prints it as it is: on a run of 10,000 tasks this skips building
   * and serialising ~50,000 JS objects, most of the command's time. Parsed, it
   * must equal `status(runId)`; orch_store_status_test.ts holds the two to that.
   */
  async statusJson(runId: string): Promise<{ run: Run; counts: TaskCounts; tasks_json: string }> {
    const sql = sqlFor(this.db.dialect);
    return await this.db.read(async () => {
      const run = await this.getRun(runId);
      const rows = await this.db.all(
        `WITH la AS MATERIALIZED (
         SELECT a.*, ${ATTEMPT_THREAD_COLUMNS} FROM attempts a JOIN threads t ON t.id = a.thread_id
         WHERE a.run_id = ?1 AND a.n = (
           SELECT MAX(n) FROM attempts b WHERE b.run_id = a.run_id AND b.task_id = a.task_id)
       ),
       lm AS MATERIALIZED (
         SELECT m.* FROM la JOIN messages m
           ON m.id = (SELECT MAX(id) FROM messages WHERE thread_id = la.thread_id)
       ),
       dj AS MATERIALIZED (
         SELECT d.task_id, ${sql.jsonGroupArray}(d.depends_on ORDER BY u.seq) AS ids,
           SUM(CASE WHEN u.status <> 'done' THEN 1 ELSE 0 END) AS waiting
         FROM deps d JOIN tasks u ON u.run_id = d.run_id AND u.id = d.depends_on
         WHERE d.run_id = ?1 GROUP BY d.task_id
       )
       SELECT ${sql.jsonObject}(
         'run_id', k.run_id, 'id', k.id, 'title', k.title, 'summary', k.summary,
         'default_to', k.default_to, 'execution_mode', k.execution_mode, 'acceptance',
         CASE WHEN json_valid(k.acceptance) THEN json(k.acceptance) END,
         'status', CASE WHEN k.status = 'pending' AND COALESCE(dj.waiting, 0) = 0
           THEN 'ready' ELSE k.status END,
         'depends_on', json(COALESCE(dj.ids, '[]')),
         'created_at', k.created_at, 'updated_at', k.updated_at,
         'latest_attempt', CASE WHEN la.id IS NULL THEN NULL ELSE ${
          ATTEMPT_JSON_SQL("la", sql)
        } END,
         'latest_message', CASE WHEN lm.id IS NULL THEN NULL ELSE ${sql.jsonObject}(
           'id', lm.id, 'thread_id', lm.thread_id, 'from_agent', lm.from_agent,
           'to_agent', lm.to_agent, 'type', lm.type, 'body', lm.body,
           'payload', CASE WHEN json_valid(lm.payload) THEN json(lm.payload) END, 'ts', lm.ts) END
       ) AS task,
       CASE WHEN k.status = 'pending' AND COALESCE(dj.waiting, 0) = 0 THEN 'ready' ELSE k.status END
         AS shown_status
       FROM tasks k LEFT JOIN dj ON dj.task_id = k.id
         LEFT JOIN la ON la.task_id = k.id LEFT JOIN lm ON lm.thread_id = la.thread_id
       WHERE k.run_id = ?1 ORDER BY k.seq`,
        runId,
        this.#now(),
      );
      const counts = _zeroCounts();
      counts.total = rows.length;
      for (const r of rows) counts[r["shown_status"] as TaskStatus]++;
      return { run, counts, tasks_json: `[${rows.map((r) => r["task"]).join(",")}]` };
    });
  }

  /**
   * Blocked tasks with their attempt and latest question, or, for a done code
   * attempt that was not accepted, the reason (call reconcile first).
   */
  async blockedTasks(runId: string): Promise<
    Array<{
      task: Task;
      attempt: Attempt;
      question: Message | null;
      attention: { reason: string; message: string } | null;
    }>
  > {
    return await this.db.read(async () => {
      await this.getRun(runId);
      return (await mapSeq(
        await this.db.all(
          "SELECT id FROM tasks WHERE run_id = ? AND status = 'blocked' ORDER BY seq",
          runId,
        ),
        async (r) => {
          const task = await this.getTask(runId, String(r["id"]));
          const attempt = (await this.latestAttempt(runId, task.id))!;
          const q = await this.db.get(
            "SELECT * FROM messages WHERE thread_id = ? AND type = 'question' ORDER BY id DESC LIMIT 1",
            attempt.thread_id,
          );
          const reason = attempt.result?.status === "needs_attention"
            ? attempt.result.reason
            : null;
          return {
            task,
            attempt,
            question: q && !reason ? messageFromRow(q) : null,
            attention: reason
              ? { reason, message: attentionMessage(reason, attempt.worktree_path) }
              : null,
          };
        },
      ));
    });
  }

  /** Events of the run after `after` whose type is in `types` (all types when empty). */
  async eventsAfter(
    runId: string,
    after: number,
    types: readonly string[],
    limit = 1000,
  ): Promise<EventRecord[]> {
    const placeholders = types.map(() => "?").join(", ");
    return (await this.db.all(
      `SELECT * FROM events WHERE run_id = ? AND id > ?${
        types.length ? ` AND type IN (${placeholders})` : ""
      }
       ORDER BY id LIMIT ?`,
      runId,
      after,
      ...types,
      limit,
    )).map(eventFromRow);
  }

  // ---- leader controls ---------------------------------------------------

  /** Posts the leader's answer into the blocked task's active thread. */
  async answer(input: { runId: string; taskId: string; body: string; payload?: unknown }): Promise<{
    task: Task;
    attempt: Attempt;
    thread: Thread;
    message: Message;
  }> {
    return await this.db.write(async () => {
      await this.#reconcileInTx(input.runId);
      const task = await this.getTask(input.runId, input.taskId);
      const attempt = await this.latestAttempt(input.runId, input.taskId);
      if (attempt?.result?.status === "needs_attention") {
        const reason = attempt.result.reason!;
        throw new AppError(
          "INVALID_STATE",
          `Task "${input.taskId}" needs attention (${reason}), not an answer: ${
            attentionMessage(reason, attempt.worktree_path)
          }`,
          { run_id: input.runId, task_id: input.taskId, status: task.status, reason },
        );
      }
      if (task.status !== "blocked" || !attempt) {
        throw new AppError(
          "NOT_BLOCKED",
          `Task "${input.taskId}" is ${task.status}, not blocked: there is no question to answer`,
          { run_id: input.runId, task_id: input.taskId, status: task.status },
        );
      }
      const r = await this.inbox.replyThread(LEADER_AGENT, attempt.thread_id, {
        body: input.body,
        ...(input.payload !== undefined ? { payload: input.payload } : {}),
      });
      const now = this.#now();
      await appendEvent(this.db, {
        ts: now,
        type: "task_answered",
        runId: input.runId,
        taskId: input.taskId,
        threadId: attempt.thread_id,
        payload: { attempt_id: attempt.id, message_id: r.message!.id },
      });
      await this.#reconcileInTx(input.runId);
      return {
        task: await this.getTask(input.runId, input.taskId),
        attempt: await this.getAttempt(attempt.id),
        thread: r.thread,
        message: r.message!,
      };
    });
  }

  /**
   * A failed task (or one whose worker went stale) gets a new attempt: same
   * mode, same worker unless `to`, and in code mode a fresh worktree from the
   * previous base unless `baseRef`.
   */
  async retry(
    input: { runId: string; taskId: string; to?: string; body?: string; baseRef?: string },
  ): Promise<DispatchResult> {
    if (this.workspaces) await this.reconcile(input.runId);
    // `orch merge` left it out: the new attempt starts from the merge target with this work
    // merged in. Decided on a read first (the worktree is made before the commit transaction),
    // and checked again in it.
    const mergeFailedOf = (task: Task, prev: Attempt | null) =>
      task.status === "done" &&
      (prev?.merge?.status === "merge_conflict" || prev?.merge?.status === "check_failed");
    const seen = await this.db.read(async () => {
      const task = await this.getTask(input.runId, input.taskId);
      const prev = await this.latestAttempt(input.runId, input.taskId);
      return { prev, mergeFailed: mergeFailedOf(task, prev) };
    });
    const conflictMerge = seen.mergeFailed && input.baseRef === undefined
      ? {
        commit: seen.prev!.result!.head_commit!,
        message: `Merge task ${input.taskId} (attempt ${seen.prev!.n}) into ${
          seen.prev!.merge!.into
        }`,
      }
      : undefined;
    return this.#redispatch(input.runId, input.taskId, {
      to: input.to,
      body: input.body,
      baseRef: conflictMerge ? seen.prev!.merge!.into : input.baseRef,
      event: "task_retried",
      ...(conflictMerge ? { conflictMerge } : {}),
      check: async () => {
        await this.#reconcileInTx(input.runId);
        _requireActiveRun(await this.getRun(input.runId));
        const task = await this.getTask(input.runId, input.taskId);
        const prev = await this.latestAttempt(input.runId, input.taskId);
        const stale = prev?.stale === true;
        const attention = prev?.result?.status === "needs_attention" && task.status === "blocked";
        const mergeFailed = mergeFailedOf(task, prev);
        if (!prev || (task.status !== "failed" && !stale && !attention && !mergeFailed)) {
          throw new AppError(
            "INVALID_STATE",
            `Cannot retry task "${input.taskId}": it is ${task.status}${
              prev ? "" : " and was never dispatched"
            } (retry needs a failed task, a stale attempt, one that needs attention, or one a merge left out)`,
            { run_id: input.runId, task_id: input.taskId, status: task.status },
          );
        }
        if (mergeFailed !== seen.mergeFailed || prev.id !== seen.prev?.id) {
          throw new AppError(
            "INVALID_STATE",
            `Task "${input.taskId}" changed while its retry was prepared: look at it again`,
            { run_id: input.runId, task_id: input.taskId, status: task.status },
          );
        }
        if (input.baseRef !== undefined && prev.execution_mode !== "code") {
          throw new AppError(
            "USAGE",
            `--base-ref applies to code tasks only: "${input.taskId}" is an analysis task`,
            { run_id: input.runId, task_id: input.taskId },
          );
        }
        return {
          task,
          prev,
          cancelReason: stale ? "Superseded by a retry: the lease ran out" : undefined,
        };
      },
    });
  }

  /** Cancels the current attempt (if live) and dispatches a new one to `to`. */
  async reassign(
    input: { runId: string; taskId: string; to: string; body?: string; baseRef?: string },
  ): Promise<DispatchResult> {
    if (this.workspaces) await this.reconcile(input.runId);
    return this.#redispatch(input.runId, input.taskId, {
      to: input.to,
      body: input.body,
      baseRef: input.baseRef,
      event: "task_reassigned",
      check: async () => {
        await this.#reconcileInTx(input.runId);
        _requireActiveRun(await this.getRun(input.runId));
        const task = await this.getTask(input.runId, input.taskId);
        const prev = await this.latestAttempt(input.runId, input.taskId);
        if (!prev || !(ACTIVE_TASK_STATUSES.includes(task.status) || task.status === "failed")) {
          throw new AppError(
            "INVALID_STATE",
            `Cannot reassign task "${input.taskId}": it is ${task.status} (reassign needs a dispatched, running, blocked or failed task)`,
            { run_id: input.runId, task_id: input.taskId, status: task.status },
          );
        }
        if (input.baseRef !== undefined && prev.execution_mode !== "code") {
          throw new AppError(
            "USAGE",
            `--base-ref applies to code tasks only: "${input.taskId}" is an analysis task`,
            { run_id: input.runId, task_id: input.taskId },
          );
        }
        return {
          task,
          prev,
          cancelReason: ACTIVE_TASK_STATUSES.includes(prev.status)
            ? `Reassigned to ${input.to}`
            : undefined,
        };
      },
    });
  }

  /**
   * Attempt n+1 of a task that had attempt n (retry, reassign). `check` runs
   * inside a write transaction and says whether it may happen now, and which
   * live attempt to cancel; in code mode it runs again when committing, after
   * the new worktree was made outside any transaction.
   */
  async #redispatch(runId: string, taskId: string, o: {
    to: string | undefined;
    body: string | undefined;
    baseRef: string | undefined;
    event: string;
    conflictMerge?: { commit: string; message: string };
    check: () => Promise<{ task: Task; prev: Attempt; cancelReason: string | undefined }>;
  }): Promise<DispatchResult> {
    const create = async (
      c: { task: Task; prev: Attempt; cancelReason: string | undefined },
      workspace: Workspace | undefined,
      n: number | undefined,
      start: { deps: readonly StackDep[]; carried?: string } = { deps: [] },
    ) => {
      const prev = c.prev;
      if (c.cancelReason !== undefined) await this.#cancelAttempt(prev, c.cancelReason);
      const firstBody = (await this.db.get(
        "SELECT body FROM messages WHERE thread_id = ? ORDER BY id LIMIT 1",
        prev.thread_id,
      ))?.["body"];
      const attempt = await this.#createAttempt(c.task, {
        mode: prev.execution_mode,
        to: o.to ?? prev.assigned_to,
        body: o.body ?? (firstBody == null ? undefined : String(firstBody)),
        workspace,
        n,
        idempotencyKey: undefined,
        event: o.event,
        deps: start.deps,
        eventPayload: {
          previous_attempt_id: prev.id,
          previous_assigned_to: prev.assigned_to,
          ...(o.conflictMerge && workspace ? { merged_previous_head: o.conflictMerge.commit } : {}),
          ...(start.carried && workspace ? { carried_from_commit: start.carried } : {}),
        },
      });
      return this.#dispatchResult(attempt, false);
    };
    // The previous attempt's workspace fields never change, so they can be read
    // before the transaction that checks it is still the latest.
    const seen = await this.db.read(() => this.latestAttempt(runId, taskId));
    if (seen?.execution_mode !== "code") {
      return this.db.write(async () => create(await o.check(), undefined, undefined));
    }
    // Work carried forward (git, before any transaction; none after a merge left it out).
    const from = o.conflictMerge
      ? { stack: [], deps: [] }
      : await redispatchStart(this.db, this.workspaces, seen, o.baseRef);
    const { startFrom, stack } = from;
    let checked: Awaited<ReturnType<typeof o.check>> | undefined;
    return dispatchWithWorkspace(this, {
      runId,
      taskId,
      request: {
        repoPath: seen.repo_path ?? undefined,
        workspaceRoot: seen.worktree_path ? await this.#workspaceRootOf(seen) : undefined,
        baseRef: o.baseRef ?? seen.base_ref ?? undefined,
        baseCommit: o.baseRef ? undefined : seen.base_commit ?? undefined,
        ...(o.conflictMerge ? { conflictMerge: o.conflictMerge } : {}),
        ...(startFrom ? { startFrom } : {}),
        ...(stack.length ? { stack, label: `${runId}/${taskId}` } : {}),
      },
      check: async () => {
        const c = await o.check();
        if (c.prev.id !== seen.id) {
          throw new AppError(
            "INVALID_STATE",
            `Task "${taskId}" got a new attempt meanwhile: look at it before retrying again`,
            { run_id: runId, task_id: taskId, attempt_id: c.prev.id },
          );
        }
        checked = c;
        return { task: c.task };
      },
      commit: (_task, workspace, n) => create(checked!, workspace, n, from),
    });
  }

  /**
   * The workspace root an attempt's worktree was made under:
   * `<root>/<database id>/<run>/<task>/attempt-n`, or `<root>/<run>/<task>/attempt-n`
   * for attempts made before database ids.
   */
  async #workspaceRootOf(a: Attempt): Promise<string> {
    const parts = a.worktree_path!.split("/");
    const depth = parts.at(-4) === await databaseId(this.db) ? 4 : 3;
    return parts.slice(0, -depth).join("/");
  }

  /** Cancels a live attempt and its thread (inside the caller's transaction). */
  async #cancelAttempt(attempt: Attempt, reason: string): Promise<void> {
    const now = this.#now();
    const thread = await this.inbox.getThread(attempt.thread_id);
    if (!["done", "failed", "cancelled"].includes(thread.status)) {
      await this.inbox.cancelThread(LEADER_AGENT, attempt.thread_id, reason);
    }
    await this.db.run(
      "UPDATE attempts SET status = 'cancelled', updated_at = ? WHERE id = ?",
      now,
      attempt.id,
    );
  }

  /** Cancels one task (its live attempt and thread) or, without a task, the whole run. */
  async cancel(input: { runId: string; taskId?: string; reason?: string }): Promise<{
    run: Run;
    cancelled_tasks: string[];
    cancelled_threads: number[];
  }> {
    return await this.db.write(async () => {
      await this.#reconcileInTx(input.runId);
      const run = await this.getRun(input.runId);
      const now = this.#now();
      const reason = input.reason ?? "Cancelled by the leader";
      const cancelledTasks: string[] = [];
      const cancelledThreads: number[] = [];
      const cancelTask = async (task: Task, why = reason) => {
        const attempt = await this.latestAttempt(input.runId, task.id);
        if (attempt && ACTIVE_TASK_STATUSES.includes(attempt.status)) {
          await this.#cancelAttempt(attempt, why);
          cancelledThreads.push(attempt.thread_id);
        }
        await this.#setTaskStatus(input.runId, task.id, "cancelled", now);
        await appendEvent(this.db, {
          ts: now,
          type: "task_cancelled",
          runId: input.runId,
          taskId: task.id,
          threadId: attempt?.thread_id ?? null,
          payload: { from_status: task.status, reason: why, attempt_id: attempt?.id ?? null },
        });
        cancelledTasks.push(task.id);
      };
      if (input.taskId !== undefined) {
        _requireActiveRun(run);
        const task = await this.getTask(input.runId, input.taskId);
        // A failed task still waits for the leader (retry, reassign or give
        // up): cancelling it is how to give up, and lets the run complete.
        if (task.status === "done" || task.status === "cancelled") {
          throw new AppError("INVALID_STATE", `Task "${task.id}" is already ${task.status}`, {
            run_id: input.runId,
            task_id: task.id,
            status: task.status,
          });
        }
        await cancelTask(task);
        // A pending task waiting on a cancelled one can never become ready:
        // cancel those too (transitively), so the run can still complete.
        const queue = [task.id];
        while (queue.length) {
          const id = queue.shift()!;
          for (
            const r of await this.db.all(
              `SELECT t.id FROM deps d ${sqlFor(this.db.dialect).orderedJoin} tasks t
                 ON t.run_id = d.run_id AND t.id = d.task_id
               WHERE d.run_id = ? AND d.depends_on = ? AND t.status = 'pending' ORDER BY t.seq`,
              input.runId,
              id,
            )
          ) {
            await cancelTask(
              await this.getTask(input.runId, String(r["id"])),
              `Dependency "${id}" was cancelled`,
            );
            queue.push(String(r["id"]));
          }
        }
        await this.#maybeCompleteRun(input.runId, now);
      } else {
        if (run.status !== "active") {
          throw new AppError("INVALID_STATE", `Run "${run.id}" is already ${run.status}`, {
            run_id: run.id,
            status: run.status,
          });
        }
        for (const task of await this.listTasks(input.runId)) {
          if (!FINAL_TASK_STATUSES.includes(task.status)) await cancelTask(task);
        }
        await this.db.run(
          "UPDATE runs SET status = 'cancelled', updated_at = ? WHERE id = ?",
          now,
          run.id,
        );
        await appendEvent(this.db, {
          ts: now,
          type: "run_cancelled",
          runId: run.id,
          payload: { reason, cancelled_tasks: cancelledTasks },
        });
      }
      return {
        run: await this.getRun(input.runId),
        cancelled_tasks: cancelledTasks,
        cancelled_threads: cancelledThreads,
      };
    });
  }

  /** Removes worktrees of finished attempts: see cleanup_workspaces.ts. */
  async cleanup(
    input: { runId: string; taskId?: string; allCompleted?: boolean; force?: boolean },
  ): Promise<{
    cleaned: Attempt[];
    refused: Array<{ attempt: Attempt; code: string; reason: string }>;
  }> {
    return await cleanupWorkspaces(this, {
      runId: input.runId,
      ...(input.taskId !== undefined ? { taskId: input.taskId } : {}),
      ...(input.force !== undefined ? { force: input.force } : {}),
    });
  }

  /**
   * Attempts of the run (or of one task) whose worktree is still active and
   * whose attempt or task is final: what cleanup may remove.
   */
  async finishedActiveWorkspaces(runId: string, taskId: string | undefined): Promise<Attempt[]> {
    return await this.db.read(async () => {
      await this.getRun(runId);
      if (taskId !== undefined) await this.getTask(runId, taskId);
      const now = this.#now();
      return (await this.db.all(
        `${ATTEMPT_SELECT} JOIN tasks k ON k.run_id = a.run_id AND k.id = a.task_id
         WHERE a.run_id = ? AND a.worktree_path IS NOT NULL AND a.workspace_status = 'active'
           AND (? IS NULL OR a.task_id = ?)
           AND (a.status IN ('done', 'failed', 'cancelled') OR k.status IN ('done', 'failed', 'cancelled'))
         ORDER BY a.id`,
        runId,
        taskId ?? null,
        taskId ?? null,
      )).map((r) => attemptFromRow(r, now));
    });
  }
}

/** Task counts with every status at zero. */
function _zeroCounts(): TaskCounts {
  const counts = Object.fromEntries([...TASK_STATUSES, "ready"].map((s) => [s, 0])) as TaskCounts;
  counts.total = 0;
  return counts;
}

function _requireActiveRun(run: Run): void {
  if (run.status !== "active") {
    throw new AppError("INVALID_STATE", `Run "${run.id}" is ${run.status}`, {
      run_id: run.id,
      status: run.status,
    });
  }
}

export { type Attempt, type Run, type Task, type TaskStatus };
