import { AppError } from "../../protocol/errors.ts";
import { appendEvent } from "../append_event.ts";
import type { Attempt, ExecutionMode, Task, Workspace } from "../orch_types.ts";
import type { AnalysisView } from "./analysis_view.ts";
import { LEADER_AGENT, nowIso, type OrchContext } from "./context.ts";
import { getAttempt } from "./get_attempt.ts";
import { nextAttemptId } from "./next_attempt_id.ts";
import { requireAssignee } from "./require_assignee.ts";
import { setTaskStatus } from "./set_task_status.ts";
import type { StackDep } from "./stack_deps.ts";

/** How {@linkcode createAttempt} makes an attempt. */
export interface AttemptOptions {
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
}

/**
 * Creates attempt n+1 for `task` (inside the caller's transaction), with
 * the workspace a code-mode dispatch made for it (whose attempt number
 * `n` it checks), its inbox thread and its event.
 */
export async function createAttempt(
  ctx: OrchContext,
  task: Task,
  o: AttemptOptions,
): Promise<Attempt> {
  const assignedTo = requireAssignee(task, o.to);
  const n = Number(
    (await ctx.db.get(
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
  const now = nowIso(ctx);
  const attemptId = await nextAttemptId(ctx.db);
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
  const sent = await ctx.inbox.sendThread({
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
  await ctx.db.run(
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
  await setTaskStatus(ctx, { runId: task.run_id, taskId: task.id, status: "dispatched", now });
  await appendEvent(ctx.db, {
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
  return getAttempt(ctx, attemptId);
}
