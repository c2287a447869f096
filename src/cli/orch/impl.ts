import { waitUntil } from "../../db/wait_until.ts";
import { AppError } from "../../protocol/errors.ts";
import type { EventRecord } from "../../store/append_event.ts";
import { type DispatchResult, OrchStore, type TaskView } from "../../store/orch_store.ts";
import { ORCH_WAIT_DEFAULT_EVENTS } from "../../protocol/enums.ts";
import { type ExecutionMode, ORCH_EVENT_TYPES, type Task } from "../../store/orch_types.ts";
import { requiresTokens } from "../../store/access/access_mode.ts";
import { issueThreadToken } from "../../store/access/issue_thread_token.ts";
import { checkAccess } from "../access.ts";
import type { CliContext } from "../context.ts";
import { MAX_DISPATCH_JSON_BYTES, parseJsonObject, readBody, readTextFile } from "../input.ts";
import { table } from "../render.ts";
import { type Reply, respond } from "../respond.ts";

/** The orch store, without git: enough for every command that makes no worktree. */
export function orchStore(ctx: CliContext): OrchStore {
  checkAccess(ctx, { kind: "leader" });
  return new OrchStore(ctx.openDb(), { clock: ctx.clock });
}

/**
 * The orch store with the git workspace provider, for the commands that may
 * make or remove worktrees (dispatch, retry, reassign, cleanup). The git
 * code loads only for them, keeping it off the read paths' start-up.
 */
export async function gitOrchStore(ctx: CliContext): Promise<OrchStore> {
  checkAccess(ctx, { kind: "leader" });
  const { gitWorkspaces } = await import("./git_workspaces.ts");
  return new OrchStore(ctx.openDb(), {
    clock: ctx.clock,
    workspaces: gitWorkspaces({ dbPath: ctx.global.db }),
  });
}

/**
 * The orch store after reconciling `runId`. When a code attempt's result must
 * be verified (git reads), the git-backed store is loaded and used; otherwise
 * git stays unloaded.
 */
async function reconciledStore(ctx: CliContext, runId: string): Promise<OrchStore> {
  const store = orchStore(ctx);
  if (!store.needsGit(runId)) {
    store.reconcile(runId);
    return store;
  }
  const withGit = await gitOrchStore(ctx);
  withGit.reconcile(runId);
  return withGit;
}

interface BodyFlags {
  body?: string;
  bodyFile?: string;
}

function _taskRows(tasks: Task[]): string {
  return table(
    ["TASK", "STATUS", "DEPENDS ON", "DEFAULT TO", "TITLE"],
    tasks.map((t) => [t.id, t.status, t.depends_on.join(",") || null, t.default_to, t.title]),
  );
}

function _dispatchText(verb: string, r: DispatchResult): string {
  const a = r.attempt;
  const ws = a.worktree_path
    ? `\n  worktree ${a.worktree_path} (branch ${a.branch_name}, base ${a.base_ref} ${
      a.base_commit?.slice(0, 12)
    })`
    : "";
  return `${verb} ${a.run_id}/${a.task_id} attempt ${a.n} (id ${a.id}) to ${a.assigned_to}: thread ${a.thread_id}, ${a.execution_mode} mode${ws}`;
}

/** A dispatch's reply: its entities, and in strict mode the worker's token, shown only here. */
function _dispatchReply(ctx: CliContext, verb: string, r: DispatchResult): Reply {
  const json = _dispatchJson(ctx, r);
  const token = json["token"];
  return {
    json,
    text: _dispatchText(verb, r) +
      (token ? `\n  worker token (shown once; the brief carries it): ${token}` : ""),
  };
}

function _dispatchJson(ctx: CliContext, r: DispatchResult): Record<string, unknown> {
  const db = ctx.openDb();
  // Strict mode: the worker's token, shown only here (a replay issues a new one).
  const token = requiresTokens(db)
    ? issueThreadToken(db, r.attempt.thread_id, { agent: r.attempt.assigned_to, clock: ctx.clock })
    : undefined;
  return {
    run: r.run,
    task: r.task,
    attempt: r.attempt,
    thread: r.thread,
    message: r.message,
    replayed: r.replayed,
    ...(token !== undefined ? { token } : {}),
  };
}

export function runInit(
  this: CliContext,
  flags: { run: string; goal: string; summary?: string },
): Promise<void> {
  return respond(this, () => {
    const run = orchStore(this).createRun({
      runId: flags.run,
      goal: flags.goal,
      ...(flags.summary !== undefined ? { summary: flags.summary } : {}),
    });
    return { json: { run }, text: `Created run ${run.id}: ${run.goal}` };
  });
}

function _strictLine(strict: boolean): string {
  return strict ? "\n  tokens required (strict mode)" : "";
}

export function runShow(this: CliContext, flags: { run: string }): Promise<void> {
  return respond(this, () => {
    const r = orchStore(this).showRun(flags.run);
    const counts = Object.entries(r.counts).filter(([k, v]) => k !== "total" && v > 0)
      .map(([k, v]) => `${k}=${v}`).join(" ");
    const strict = requiresTokens(this.openDb());
    return {
      json: { run: r.run, counts: r.counts, require_tokens: strict },
      text: `run ${r.run.id} [${r.run.status}] ${r.run.goal}\n  ${r.counts.total} task(s): ${
        counts || "none"
      }${_strictLine(strict)}`,
    };
  });
}

export function taskAdd(
  this: CliContext,
  flags: {
    run: string;
    task: string;
    title: string;
    summary?: string;
    defaultTo?: string;
    acceptanceJson?: string;
  },
): Promise<void> {
  return respond(this, async () => {
    const acceptance = await parseJsonObject(flags.acceptanceJson, "--acceptance-json");
    const task = orchStore(this).addTask({
      runId: flags.run,
      taskId: flags.task,
      title: flags.title,
      ...(flags.summary !== undefined ? { summary: flags.summary } : {}),
      ...(flags.defaultTo !== undefined ? { defaultTo: flags.defaultTo } : {}),
      ...(acceptance !== undefined ? { acceptance } : {}),
    });
    return {
      json: { task },
      text: `Added task ${task.run_id}/${task.id} [${task.status}]: ${task.title}`,
    };
  });
}

export function depAdd(
  this: CliContext,
  flags: { run: string; task: string; dependsOn: string },
): Promise<void> {
  return respond(this, () => {
    const r = orchStore(this).addDep({
      runId: flags.run,
      taskId: flags.task,
      dependsOn: flags.dependsOn,
    });
    return {
      json: {
        task: r.task,
        dep: { run_id: flags.run, task_id: flags.task, depends_on: flags.dependsOn },
        created: r.created,
      },
      text: `${r.created ? "Added" : "Already had"} dependency ${flags.task} -> ${flags.dependsOn}`,
    };
  });
}

export function ready(this: CliContext, flags: { run: string }): Promise<void> {
  return respond(this, async () => {
    const store = await reconciledStore(this, flags.run);
    const tasks = store.readyTasks(flags.run);
    return {
      json: { run_id: flags.run, tasks },
      text: tasks.length ? _taskRows(tasks) : `No task of run ${flags.run} is ready`,
    };
  });
}

export function dispatch(
  this: CliContext,
  flags: BodyFlags & {
    run: string;
    task: string;
    executionMode: ExecutionMode;
    to?: string;
    repoPath?: string;
    workspaceRoot?: string;
    baseRef?: string;
    idempotencyKey?: string;
  },
): Promise<void> {
  return respond(this, async () => {
    const body = await readBody(this, flags);
    if (
      flags.executionMode === "analysis" && (flags.baseRef ?? flags.workspaceRoot) !== undefined
    ) {
      throw new AppError(
        "USAGE",
        "--base-ref and --workspace-root apply to --execution-mode code only",
      );
    }
    // Git also for an analysis task when a finished code dependency must be verified first.
    const plain = orchStore(this);
    const store = flags.executionMode === "code" || plain.needsGit(flags.run)
      ? await gitOrchStore(this)
      : plain;
    const r = store.dispatch({
      runId: flags.run,
      taskId: flags.task,
      mode: flags.executionMode,
      ...(flags.to !== undefined ? { to: flags.to } : {}),
      ...(body !== undefined ? { body } : {}),
      ...(flags.repoPath !== undefined ? { repoPath: flags.repoPath } : {}),
      ...(flags.workspaceRoot !== undefined ? { workspaceRoot: flags.workspaceRoot } : {}),
      ...(flags.baseRef !== undefined ? { baseRef: flags.baseRef } : {}),
      ...(flags.idempotencyKey !== undefined ? { idempotencyKey: flags.idempotencyKey } : {}),
    });
    return _dispatchReply(this, r.replayed ? "Already dispatched" : "Dispatched", r);
  });
}

function _eventLine(e: EventRecord): string {
  return `#${e.id} ${e.ts} ${e.type}${e.task_id ? ` ${e.task_id}` : ""}${
    Object.keys(e.payload).length ? " " + JSON.stringify(e.payload) : ""
  }`;
}

export function reconcile(this: CliContext, flags: { run: string }): Promise<void> {
  return respond(this, async () => {
    const store = orchStore(this);
    const r = (store.needsGit(flags.run) ? await gitOrchStore(this) : store).reconcile(flags.run);
    return {
      json: { run_id: flags.run, changes: r.changes, events: r.events },
      text: r.events.length ? r.events.map(_eventLine).join("\n") : "No changes",
    };
  });
}

/** Parses `--for a,b,c` against the known event types. */
export function parseEventTypes(value: string | undefined): string[] {
  if (value === undefined) return [...ORCH_WAIT_DEFAULT_EVENTS];
  const types = value.split(",").map((s) => s.trim()).filter(Boolean);
  if (types.length === 1 && types[0] === "all") return [...ORCH_EVENT_TYPES];
  const unknown = types.filter((t) => !(ORCH_EVENT_TYPES as readonly string[]).includes(t));
  if (types.length === 0 || unknown.length) {
    throw new AppError(
      "USAGE",
      `Unknown event type ${
        unknown.map((t) => `"${t}"`).join(", ") || '""'
      } in --for: expected any of ${ORCH_EVENT_TYPES.join(", ")}`,
      { unknown, known: ORCH_EVENT_TYPES },
    );
  }
  return types;
}

export function wait(
  this: CliContext,
  flags: { run: string; for?: string; afterEvent?: number; timeoutSeconds?: number },
): Promise<void> {
  return respond(this, async () => {
    const types = parseEventTypes(flags.for);
    // Long-lived: load git up front, so each check can verify finished code attempts.
    const store = await gitOrchStore(this);
    store.getRun(flags.run);
    const after = flags.afterEvent ?? 0;
    const events = await waitUntil(store.db, () => {
      store.reconcile(flags.run);
      const found = store.eventsAfter(flags.run, after, types);
      return found.length ? found : undefined;
    }, { timeoutMs: (flags.timeoutSeconds ?? 60) * 1000 });
    const list = events ?? [];
    const next = list.length ? list[list.length - 1]!.id : after;
    return {
      json: {
        run_id: flags.run,
        timed_out: events === undefined,
        events: list,
        next_after_event: next,
      },
      text: events === undefined
        ? `No matching events after #${after} (timed out); next --after-event ${next}`
        : `${list.map(_eventLine).join("\n")}\nnext --after-event ${next}`,
    };
  });
}

export function blocked(this: CliContext, flags: { run: string }): Promise<void> {
  return respond(this, async () => {
    const store = await reconciledStore(this, flags.run);
    const items = store.blockedTasks(flags.run);
    return {
      json: { run_id: flags.run, blocked: items },
      text: items.length
        ? items.map((b) =>
          `${b.task.id} (attempt ${b.attempt.n}, ${b.attempt.assigned_to}, thread ${b.attempt.thread_id}): ${
            b.attention
              ? `needs attention (${b.attention.reason}): ${b.attention.message}`
              : b.question?.body ?? "(no question text)"
          }`
        ).join("\n")
        : `No blocked tasks in run ${flags.run}`,
    };
  });
}

export function answer(
  this: CliContext,
  flags: BodyFlags & { run: string; task: string; payloadJson?: string },
): Promise<void> {
  return respond(this, async () => {
    const body = await readBody(this, flags, { required: true, what: "answer" });
    const payload = await parseJsonObject(flags.payloadJson, "--payload-json");
    const r = orchStore(this).answer({
      runId: flags.run,
      taskId: flags.task,
      body: body!,
      ...(payload !== undefined ? { payload } : {}),
    });
    return {
      json: { task: r.task, attempt: r.attempt, thread: r.thread, message: r.message },
      text:
        `Answered ${flags.run}/${flags.task} in thread ${r.thread.id} (message ${r.message.id}); task is ${r.task.status}`,
    };
  });
}

export function retry(
  this: CliContext,
  flags: BodyFlags & { run: string; task: string; to?: string; baseRef?: string },
): Promise<void> {
  return respond(this, async () => {
    const body = await readBody(this, flags);
    const r = (await gitOrchStore(this)).retry({
      runId: flags.run,
      taskId: flags.task,
      ...(flags.to !== undefined ? { to: flags.to } : {}),
      ...(body !== undefined ? { body } : {}),
      ...(flags.baseRef !== undefined ? { baseRef: flags.baseRef } : {}),
    });
    return _dispatchReply(this, "Retried", r);
  });
}

export function reassign(
  this: CliContext,
  flags: BodyFlags & { run: string; task: string; to: string },
): Promise<void> {
  return respond(this, async () => {
    const body = await readBody(this, flags);
    const r = (await gitOrchStore(this)).reassign({
      runId: flags.run,
      taskId: flags.task,
      to: flags.to,
      ...(body !== undefined ? { body } : {}),
    });
    return _dispatchReply(this, "Reassigned", r);
  });
}

export function cancel(
  this: CliContext,
  flags: { run: string; task?: string; reason?: string },
): Promise<void> {
  return respond(this, () => {
    const r = orchStore(this).cancel({
      runId: flags.run,
      ...(flags.task !== undefined ? { taskId: flags.task } : {}),
      ...(flags.reason !== undefined ? { reason: flags.reason } : {}),
    });
    return {
      json: {
        run: r.run,
        cancelled_tasks: r.cancelled_tasks,
        cancelled_threads: r.cancelled_threads,
      },
      text: `Cancelled ${flags.task ? `task ${flags.task}` : `run ${flags.run}`}: tasks [${
        r.cancelled_tasks.join(", ")
      }], threads [${r.cancelled_threads.join(", ")}]`,
    };
  });
}

export function cleanup(
  this: CliContext,
  flags: {
    run: string;
    task?: string;
    allCompleted?: boolean;
    force?: boolean;
    deleteBranches?: boolean;
  },
): Promise<void> {
  return respond(this, async () => {
    if ((flags.task === undefined) === !flags.allCompleted) {
      throw new AppError("USAGE", "Pass exactly one of --task T or --all-completed");
    }
    const store = await gitOrchStore(this);
    const r = store.cleanup({
      runId: flags.run,
      ...(flags.task !== undefined ? { taskId: flags.task } : {}),
      allCompleted: flags.allCompleted ?? false,
      force: flags.force ?? false,
    });
    // Debris of merges killed mid-way: their integration worktrees (never a live merge's).
    const { removeStrayIntegrations } = await import("./integration.ts");
    const { runRepos } = await import("../../store/orch/run_repos.ts");
    const removedIntegrations = runRepos(store, flags.run).flatMap((repo) => {
      try {
        return removeStrayIntegrations(repo);
      } catch {
        return [];
      }
    });
    const { deleteAttemptBranches } = await import("./branch_cleanup.ts");
    const branches = flags.deleteBranches
      ? deleteAttemptBranches(store, flags.run, flags.task, flags.force ?? false)
      : { deleted: [], kept: [] };
    const lines = [
      ...r.cleaned.map((a) =>
        `cleaned ${a.task_id} attempt ${a.n}: ${a.worktree_path} [${a.workspace_status}]`
      ),
      ...r.refused.map((x) => `refused ${x.attempt.task_id} attempt ${x.attempt.n}: ${x.reason}`),
      ...removedIntegrations.map((p) => `removed left-over integration worktree ${p}`),
      ...branches.deleted.map((b) => `deleted branch ${b.branch_name} (${b.why})`),
      ...branches.kept.map((b) =>
        `kept branch ${b.branch_name}: ${b.reason}${
          b.reason === "UNMERGED_COMMITS"
            ? ` (${b.commits_ahead} commit(s); --force deletes it)`
            : ""
        }`
      ),
    ];
    return {
      json: {
        run_id: flags.run,
        cleaned: r.cleaned,
        refused: r.refused,
        removed_integration_worktrees: removedIntegrations,
        branches_deleted: branches.deleted,
        branches_kept: branches.kept,
      },
      text: lines.length ? lines.join("\n") : "Nothing to clean",
    };
  });
}

/** The status table a person reads. */
/** Attempt statuses in which the worker holds a lease worth showing. */
const LIVE_ATTEMPT_STATUSES: readonly string[] = [
  "dispatched",
  "in_progress",
  "blocked",
  "verifying",
];

export function statusText(r: ReturnType<OrchStore["status"]>): string {
  const counts = Object.entries(r.counts).filter(([k, v]) => k !== "total" && v > 0)
    .map(([k, v]) => `${k}=${v}`).join(" ");
  const rows = r.tasks.map((t) => {
    const a = t.latest_attempt;
    const m = t.latest_message;
    return [
      t.id,
      t.status + (a?.stale ? " (stale)" : "") +
      (a?.result?.status === "needs_attention" ? ` (${a.result.reason})` : ""),
      a ? `#${a.n} ${a.assigned_to}` : null,
      a?.holder ?? null,
      a?.progress != null ? `${a.progress}%` : null,
      a && LIVE_ATTEMPT_STATUSES.includes(a.status) ? a.lease_expires_at : null,
      a?.execution_mode ?? null,
      _commitsCell(a),
      m ? `${m.type}: ${m.body.split("\n")[0]!.slice(0, 50)}` : null,
    ];
  });
  return `run ${r.run.id} [${r.run.status}] ${r.run.goal} (${counts || "no tasks"})\n` +
    table(
      [
        "TASK",
        "STATUS",
        "ATTEMPT",
        "HOLDER",
        "PROGRESS",
        "LEASE EXPIRES",
        "MODE",
        "COMMITS",
        "LATEST MESSAGE",
      ],
      rows,
    );
}

/** Code attempts: commits ahead of the start (as verified) and the merge state. */
function _commitsCell(a: TaskView["latest_attempt"]): string | null {
  if (!a || a.execution_mode !== "code" || !a.result) return null;
  const n = `${a.result.commits_ahead ?? 0} ahead`;
  return a.merge ? `${n}, ${a.merge.status.replace(/_/g, " ")}` : `${n}, not merged`;
}

export function status(this: CliContext, flags: { run: string }): Promise<void> {
  return respond(this, async () => {
    const store = await reconciledStore(this, flags.run);
    const strict = requiresTokens(this.openDb());
    if (this.global.json) {
      // The fast path: SQLite builds the tasks' JSON (see OrchStore.statusJson).
      const r = store.statusJson(flags.run);
      return {
        json: { run: r.run, counts: r.counts, require_tokens: strict },
        rawJson: { tasks: r.tasks_json },
        text: "",
      };
    }
    return { json: {}, text: statusText(store.status(flags.run)) + _strictLine(strict) };
  });
}

export function brief(
  this: CliContext,
  flags: { dispatchJson: string; inboxCmd?: string },
): Promise<void> {
  return respond(this, async () => {
    const text = await readTextFile(
      this,
      flags.dispatchJson,
      "--dispatch-json",
      MAX_DISPATCH_JSON_BYTES,
    );
    const { renderBrief } = await import("./render_brief.ts");
    const rendered = await renderBrief(text, {
      db: this.global.db,
      inboxCmd: flags.inboxCmd ?? "inbox",
    });
    return {
      json: { brief: rendered.text, thread_id: rendered.threadId, agent: rendered.agent },
      text: rendered.text,
    };
  });
}
