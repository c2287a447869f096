import { isPostgresUrl } from "../../storage/open_storage.ts";
import { AppError } from "../../protocol/errors.ts";
import type { EventRecord } from "../../store/append_event.ts";
import { type DispatchResult, OrchStore, type TaskView } from "../../store/orch_store.ts";
import { ORCH_WAIT_DEFAULT_EVENTS } from "../../protocol/enums.ts";
import { type ExecutionMode, ORCH_EVENT_TYPES, type Task } from "../../store/orch_types.ts";
import { isDependencyDone } from "../../store/orch_rules.ts";
import { requiresTokens } from "../../store/access/access_mode.ts";
import { checkAccess } from "../access.ts";
import type { CliContext } from "../context.ts";
import { messageBlock, table } from "../render.ts";
import type { ThreadLease } from "../../store/orch/run_thread_leases.ts";
import { analysisNeedsGit } from "../../store/orch/analysis_view.ts";
import { type Reply, respond } from "../respond.ts";

/** The input readers, loaded by the commands that take a body, a payload or a file. */
const _input = () => import("../input.ts");

/** The orch store, without git: enough for every command that makes no worktree. */
export async function orchStore(ctx: CliContext): Promise<OrchStore> {
  await checkAccess(ctx, { kind: "leader" });
  return new OrchStore(await ctx.openDb(), { clock: ctx.clock });
}

/**
 * The orch store with the git workspace provider, for the commands that may
 * make or remove worktrees (dispatch, retry, reassign, cleanup). The git
 * code loads only for them, keeping it off the read paths' start-up.
 */
export async function gitOrchStore(ctx: CliContext, runHooks = false): Promise<OrchStore> {
  await checkAccess(ctx, { kind: "leader" });
  const { gitWorkspaces } = await import("./git_workspaces.ts");
  return new OrchStore(await ctx.openDb(), {
    clock: ctx.clock,
    // A database file inside the repository must not make it look dirty (a URL is no file).
    workspaces: gitWorkspaces({
      dbPath: ctx.global.db && !isPostgresUrl(ctx.global.db) ? ctx.global.db : undefined,
      runHooks,
    }),
  });
}

/**
 * The orch store after reconciling `runId`. When a code attempt's result must
 * be verified (git reads), the git-backed store is loaded and used; otherwise
 * git stays unloaded.
 */
async function reconciledStore(ctx: CliContext, runId: string): Promise<OrchStore> {
  const store = await orchStore(ctx);
  if (!await store.needsGit(runId)) {
    await store.reconcile(runId);
    return store;
  }
  const withGit = await gitOrchStore(ctx);
  await withGit.reconcile(runId);
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
async function _dispatchReply(ctx: CliContext, verb: string, r: DispatchResult): Promise<Reply> {
  const json = await _dispatchJson(ctx, r);
  const token = json["token"];
  return {
    json,
    text: _dispatchText(verb, r) +
      (token ? `\n  worker token (shown once; the brief carries it): ${token}` : ""),
  };
}

async function _dispatchJson(ctx: CliContext, r: DispatchResult): Promise<Record<string, unknown>> {
  const db = await ctx.openDb();
  // Strict mode: the worker's token, shown only here (a replay issues a new one).
  const token = await requiresTokens(db)
    ? await (await import("../../store/access/issue_thread_token.ts")).issueThreadToken(
      db,
      r.attempt.thread_id,
      {
        agent: r.attempt.assigned_to,
        clock: ctx.clock,
      },
    )
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
  return respond(this, async () => {
    const run = await (await orchStore(this)).createRun({
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
  return respond(this, async () => {
    const r = await (await orchStore(this)).showRun(flags.run);
    const counts = Object.entries(r.counts).filter(([k, v]) => k !== "total" && v > 0)
      .map(([k, v]) => `${k}=${v}`).join(" ");
    const strict = await requiresTokens(await this.openDb());
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
    dependsOn?: string[];
    executionMode?: ExecutionMode;
    acceptanceJson?: string;
  },
): Promise<void> {
  return respond(this, async () => {
    const acceptance = await (await _input()).parseJsonObject(
      flags.acceptanceJson,
      "--acceptance-json",
    );
    const task = await (await orchStore(this)).addTask({
      runId: flags.run,
      taskId: flags.task,
      title: flags.title,
      ...(flags.summary !== undefined ? { summary: flags.summary } : {}),
      ...(flags.defaultTo !== undefined ? { defaultTo: flags.defaultTo } : {}),
      ...(flags.executionMode !== undefined ? { executionMode: flags.executionMode } : {}),
      ...(flags.dependsOn !== undefined ? { dependsOn: flags.dependsOn } : {}),
      ...(acceptance !== undefined ? { acceptance } : {}),
    });
    const deps = task.depends_on.length ? `, depends on ${task.depends_on.join(", ")}` : "";
    const mode = task.execution_mode ? `, ${task.execution_mode} mode` : "";
    return {
      json: { task },
      text: `Added task ${task.run_id}/${task.id} [${task.status}]: ${task.title}${deps}${mode}`,
    };
  });
}

export function depAdd(
  this: CliContext,
  flags: { run: string; task: string; dependsOn: string },
): Promise<void> {
  return respond(this, async () => {
    const r = await (await orchStore(this)).addDep({
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
      text: `${
        r.created ? "Recorded" : "Already recorded"
      }: ${flags.task} depends on ${flags.dependsOn}`,
    };
  });
}

export function ready(this: CliContext, flags: { run: string }): Promise<void> {
  return respond(this, async () => {
    const store = await reconciledStore(this, flags.run);
    const tasks = await store.readyTasks(flags.run);
    if (tasks.length) {
      return { json: { run_id: flags.run, tasks, waiting: [] }, text: () => _taskRows(tasks) };
    }
    // Nothing ready: say why, from the whole task list (only on this path, so `ready` stays cheap).
    const all = await store.listTasks(flags.run);
    const statusOf = new Map(all.map((t) => [t.id, t.status]));
    const waiting = all.filter((t) => t.status === "pending").map((t) => ({
      task_id: t.id,
      waiting_on: t.depends_on.filter((d) => !isDependencyDone(statusOf.get(d) ?? "pending"))
        .map((d) => ({ task_id: d, status: statusOf.get(d) ?? "pending" })),
    }));
    const others = Object.entries(
      all.reduce<Record<string, number>>((c, t) => {
        if (t.status !== "pending") c[t.status] = (c[t.status] ?? 0) + 1;
        return c;
      }, {}),
    ).map(([k, v]) => `${k}=${v}`).join(" ");
    const lines = waiting.map((w) =>
      `  ${w.task_id} waits for ${w.waiting_on.map((d) => `${d.task_id} (${d.status})`).join(", ")}`
    );
    const text = all.length === 0
      ? `No task of run ${flags.run} is ready: the run has no tasks`
      : `No task of run ${flags.run} is ready:` +
        (lines.length ? "\n" + lines.join("\n") : " no task is pending") +
        (others ? `\n  other tasks: ${others}` : "");
    return { json: { run_id: flags.run, tasks, waiting }, text };
  });
}

export function dispatch(
  this: CliContext,
  flags: BodyFlags & {
    run: string;
    task: string;
    executionMode?: ExecutionMode;
    to?: string;
    repoPath?: string;
    workspaceRoot?: string;
    baseRef?: string;
    idempotencyKey?: string;
    runHooks?: boolean;
    fromBase?: boolean;
  },
): Promise<void> {
  return respond(this, async () => {
    const body = await (await _input()).readBody(this, flags);
    const mode = flags.executionMode ??
      (await (await orchStore(this)).getTask(flags.run, flags.task)).execution_mode;
    if (mode === null) {
      throw new AppError(
        "USAGE",
        `Task "${flags.task}" has no execution mode: pass --execution-mode analysis|code (or give it one with task add --execution-mode)`,
        { run_id: flags.run, task_id: flags.task },
      );
    }
    if (mode === "analysis" && (flags.baseRef ?? flags.workspaceRoot) !== undefined) {
      throw new AppError(
        "USAGE",
        "--base-ref and --workspace-root apply to --execution-mode code only",
      );
    }
    if (mode === "analysis" && flags.runHooks) {
      throw new AppError("USAGE", "--run-hooks applies to --execution-mode code only");
    }
    // Git also for an analysis task when a finished code dependency must be verified first.
    const plain = await orchStore(this);
    // And to show an analysis task its dependencies' work (or the repository it was given).
    const store = mode === "code" || await plain.needsGit(flags.run) ||
        await analysisNeedsGit(plain.db, {
          runId: flags.run,
          taskId: flags.task,
          repoPath: flags.repoPath,
          fromBase: flags.fromBase === true,
        })
      ? await gitOrchStore(this, flags.runHooks ?? false)
      : plain;
    const r = await store.dispatch({
      runId: flags.run,
      taskId: flags.task,
      mode,
      ...(flags.to !== undefined ? { to: flags.to } : {}),
      ...(body !== undefined ? { body } : {}),
      ...(flags.repoPath !== undefined ? { repoPath: flags.repoPath } : {}),
      ...(flags.workspaceRoot !== undefined ? { workspaceRoot: flags.workspaceRoot } : {}),
      ...(flags.baseRef !== undefined ? { baseRef: flags.baseRef } : {}),
      ...(flags.idempotencyKey !== undefined ? { idempotencyKey: flags.idempotencyKey } : {}),
      ...(flags.fromBase ? { fromBase: true } : {}),
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
    const store = await orchStore(this);
    const r = await (await store.needsGit(flags.run) ? await gitOrchStore(this) : store).reconcile(
      flags.run,
    );
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
    await store.getRun(flags.run);
    const after = flags.afterEvent ?? 0;
    const events = await (await import("../../storage/wait_until.ts")).waitUntil(
      store.db,
      async () => {
        await store.reconcile(flags.run);
        const found = await store.eventsAfter(flags.run, after, types);
        return found.length ? found : undefined;
      },
      { timeoutMs: (flags.timeoutSeconds ?? 60) * 1000 },
    );
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
    const items = await store.blockedTasks(flags.run);
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
  flags: BodyFlags & { run: string; task: string; payloadJson?: string; payloadFile?: string },
): Promise<void> {
  return respond(this, async () => {
    const body = await (await _input()).readBody(this, flags, { required: true, what: "answer" });
    const payload = await (await _input()).readPayload(this, flags);
    const r = await (await orchStore(this)).answer({
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
  flags: BodyFlags & {
    run: string;
    task: string;
    to?: string;
    baseRef?: string;
    runHooks?: boolean;
  },
): Promise<void> {
  return respond(this, async () => {
    const body = await (await _input()).readBody(this, flags);
    const r = await (await gitOrchStore(this, flags.runHooks ?? false)).retry({
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
  flags: BodyFlags & {
    run: string;
    task: string;
    to: string;
    runHooks?: boolean;
    baseRef?: string;
  },
): Promise<void> {
  return respond(this, async () => {
    const body = await (await _input()).readBody(this, flags);
    const r = await (await gitOrchStore(this, flags.runHooks ?? false)).reassign({
      runId: flags.run,
      taskId: flags.task,
      to: flags.to,
      ...(body !== undefined ? { body } : {}),
      ...(flags.baseRef !== undefined ? { baseRef: flags.baseRef } : {}),
    });
    return _dispatchReply(this, "Reassigned", r);
  });
}

export function cancel(
  this: CliContext,
  flags: { run: string; task?: string; reason?: string },
): Promise<void> {
  return respond(this, async () => {
    const r = await (await orchStore(this)).cancel({
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
    const r = await store.cleanup({
      runId: flags.run,
      ...(flags.task !== undefined ? { taskId: flags.task } : {}),
      allCompleted: flags.allCompleted ?? false,
      force: flags.force ?? false,
    });
    // Debris of merges killed mid-way: their integration worktrees (never a live merge's).
    const { removeStrayIntegrations } = await import("./integration.ts");
    const { runRepos } = await import("../../store/orch/run_repos.ts");
    const removedIntegrations = (await runRepos(store, flags.run)).flatMap((repo) => {
      try {
        return removeStrayIntegrations(repo);
      } catch {
        return [];
      }
    });
    const { deleteAttemptBranches } = await import("./branch_cleanup.ts");
    const branches = flags.deleteBranches
      ? await deleteAttemptBranches(store, flags.run, flags.task, flags.force ?? false)
      : { deleted: [], kept: [] };
    // A dirty worktree's reason names the flag that removes it anyway.
    const { wordReason } = await import("../error_wording.ts");
    const refused = r.refused.map((x) =>
      x.code === "WORKTREE_DIRTY"
        ? {
          ...x,
          reason: wordReason("worktree_dirty", { path: x.attempt.worktree_path }, this.program) ??
            x.reason,
        }
        : x
    );
    // The read-only views of the finished analysis attempts (refs/orch-views/...).
    const { removeFinishedViews } = await import("./view_cleanup.ts");
    const views = await removeFinishedViews(store, flags.run, flags.task);
    const lines = [
      ...r.cleaned.map((a) =>
        `cleaned ${a.task_id} attempt ${a.n}: ${a.worktree_path} [${a.workspace_status}]`
      ),
      ...refused.map((x) => `refused ${x.attempt.task_id} attempt ${x.attempt.n}: ${x.reason}`),
      ...removedIntegrations.map((p) => `removed left-over integration worktree ${p}`),
      ...views.map((v) => `removed view ${v.view_ref} of ${v.task_id} attempt ${v.attempt_n}`),
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
        refused,
        removed_integration_worktrees: removedIntegrations,
        branches_deleted: branches.deleted,
        branches_kept: branches.kept,
        views_removed: views,
      },
      text: lines.length ? lines.join("\n") : "Nothing to clean",
    };
  });
}

/** The status table a person reads. */
/** A duration for people: "45s", "12m05s", "3h07m", "2d04h". */
export function humanDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const pad = (n: number) => String(n).padStart(2, "0");
  if (s < 3600) return `${Math.floor(s / 60)}m${pad(s % 60)}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${pad(Math.floor(s / 60) % 60)}m`;
  return `${Math.floor(s / 86400)}d${pad(Math.floor(s / 3600) % 24)}h`;
}

const _LIVE_STATUSES: readonly string[] = ["dispatched", "in_progress", "blocked", "verifying"];

/**
 * The human `status` view: one row per task with the current holder of its
 * thread (after a takeover, not the attempt's first worker), progress, lease
 * left, age (time since the task's latest activity) and the first line of
 * its latest message; with `full`, every latest message in full below.
 */
export function statusText(
  r: Awaited<ReturnType<OrchStore["status"]>>,
  leases: Map<number, ThreadLease>,
  options: { now: Date; full?: boolean },
): string {
  const now = options.now.getTime();
  const counts = Object.entries(r.counts).filter(([k, v]) => k !== "total" && v > 0)
    .map(([k, v]) => `${k}=${v}`).join(" ");
  const rows = r.tasks.map((t) => {
    const a = t.latest_attempt;
    const m = t.latest_message;
    const lease = a ? leases.get(a.thread_id) : undefined;
    const live = _LIVE_STATUSES.includes(t.status);
    let leaseLeft: string | null = null;
    if (live && lease?.lease_expires_at) {
      const left = Date.parse(lease.lease_expires_at) - now;
      leaseLeft = left > 0 ? humanDuration(left) : `expired ${humanDuration(-left)} ago`;
    }
    const last = Math.max(Date.parse(t.updated_at), m ? Date.parse(m.ts) : 0);
    return [
      t.id,
      t.status + (a?.stale ? " (stale)" : "") +
      (a?.result?.status === "needs_attention" ? ` (${a.result.reason})` : ""),
      live ? lease?.claimed_by ?? null : null,
      lease?.progress !== null && lease?.progress !== undefined ? `${lease.progress}%` : null,
      leaseLeft,
      humanDuration(now - last),
      a ? `#${a.n} ${a.assigned_to}` : null,
      a?.execution_mode ?? t.execution_mode,
      _commitsCell(a),
      m ? `${m.type}: ${m.body.split("\n")[0]!.slice(0, 50)}` : null,
    ];
  });
  let text = `run ${r.run.id} [${r.run.status}] ${r.run.goal} (${counts || "no tasks"})\n` +
    table(
      [
        "TASK",
        "STATUS",
        "HOLDER",
        "PROGRESS",
        "LEASE LEFT",
        "AGE",
        "ATTEMPT",
        "MODE",
        "COMMITS",
        "LATEST MESSAGE",
      ],
      rows,
    );
  if (options.full) {
    for (const t of r.tasks) {
      if (t.latest_message) text += `\n\n${t.id}: ${messageBlock(t.latest_message)}`;
    }
  } else if (r.tasks.some((t) => t.latest_message?.body.includes("\n"))) {
    text += "\n(latest messages cut to their first line: --full shows them whole)";
  }
  return text;
}

/** Code attempts: commits ahead of the start (as verified) and the merge state. */
function _commitsCell(a: TaskView["latest_attempt"]): string | null {
  if (!a || a.execution_mode !== "code" || !a.result) return null;
  const n = `${a.result.commits_ahead ?? 0} ahead`;
  return a.merge ? `${n}, ${a.merge.status.replace(/_/g, " ")}` : `${n}, not merged`;
}

export function status(this: CliContext, flags: { run: string; full?: boolean }): Promise<void> {
  return respond(this, async () => {
    const store = await reconciledStore(this, flags.run);
    const strict = await requiresTokens(await this.openDb());
    if (this.global.json) {
      // The fast path: SQLite builds the tasks' JSON (see OrchStore.statusJson).
      const r = await store.statusJson(flags.run);
      return {
        json: { run: r.run, counts: r.counts, require_tokens: strict },
        rawJson: { tasks: r.tasks_json },
        text: "",
      };
    }
    const { runThreadLeases } = await import("../../store/orch/run_thread_leases.ts");
    const db = await this.openDb();
    const view = await db.read(async () => ({
      status: await store.status(flags.run),
      leases: await runThreadLeases(db, flags.run),
    }));
    return {
      json: {},
      text: statusText(view.status, view.leases, {
        now: this.clock.now(),
        full: flags.full ?? false,
      }) + _strictLine(strict),
    };
  });
}

export function brief(
  this: CliContext,
  flags: { dispatchJson: string; inboxCmd?: string; agent?: string; remote?: string },
): Promise<void> {
  return respond(this, async () => {
    if (!this.global.db) {
      throw new AppError("USAGE", "Missing --db: the brief tells the worker which database to use");
    }
    // The brief sends a worker to this database: it must exist and be ours
    // (a wrong working directory would otherwise write a dead path into it).
    const store = await orchStore(this);
    const readers = await _input();
    const text = await readers.readTextFile(
      this,
      flags.dispatchJson,
      "--dispatch-json",
      readers.MAX_DISPATCH_JSON_BYTES,
    );
    const { parseBriefSource, renderBrief } = await import("./render_brief.ts");
    const source = await parseBriefSource(text);
    let input;
    if (source.kind === "dispatch") {
      input = source.input;
      if (flags.agent !== undefined && flags.agent !== input.attempt.assigned_to) {
        throw new AppError(
          "INVALID_INPUT",
          `The dispatch in --dispatch-json is for "${input.attempt.assigned_to}", not "${flags.agent}"`,
          { agent: input.attempt.assigned_to },
        );
      }
    } else {
      // council start: one attempt per reviewer; the task and its message come from the database.
      const agents = source.attempts.map((a) => a.assigned_to);
      const attempt = flags.agent !== undefined
        ? source.attempts.find((a) => a.assigned_to === flags.agent)
        : source.attempts.length === 1
        ? source.attempts[0]
        : undefined;
      if (!attempt) {
        throw new AppError(
          "USAGE",
          flags.agent !== undefined
            ? `No reviewer "${flags.agent}" in the council start output: it has ${
              agents.join(", ")
            }`
            : `The council start output has ${agents.length} reviewers: pick one with --agent (${
              agents.join(", ")
            })`,
          { agents },
        );
      }
      const task = await store.getTask(attempt.run_id, attempt.task_id);
      const first = (await store.inbox.showThread(attempt.thread_id)).messages[0];
      const token = source.tokens.find((t) => t.reviewer === attempt.assigned_to)?.token;
      input = { attempt, task, body: first?.body ?? "", token };
    }
    if (flags.remote !== undefined) _checkBriefRemote(flags.remote, input.attempt);
    const { storeLabel } = await import("../../storage/store_label.ts");
    const rendered = renderBrief(input, {
      remote: flags.remote,
      // A PostgreSQL URL goes in without its password: the worker's host supplies it (PGPASSWORD).
      db: storeLabel(this.global.db),
      inboxCmd: flags.inboxCmd ?? "inbox",
    });
    return {
      json: { brief: rendered.text, thread_id: rendered.threadId, agent: rendered.agent },
      text: rendered.text,
    };
  });
}

/** `brief --remote`: a code attempt, and a remote (name or URL) git cannot take for an option. */
function _checkBriefRemote(
  remote: string,
  attempt: { execution_mode: string; branch_name?: string | null | undefined },
): void {
  if (attempt.execution_mode !== "code" || !attempt.branch_name) {
    throw new AppError(
      "USAGE",
      "--remote is for a code attempt: an analysis worker has no branch to fetch",
      { remote },
    );
  }
  // deno-lint-ignore no-control-regex
  if (remote === "" || remote.startsWith("-") || /[\x00-\x1f\x7f]/.test(remote)) {
    throw new AppError("USAGE", `Remote "${remote}" is not a remote name or URL`, { remote });
  }
}
