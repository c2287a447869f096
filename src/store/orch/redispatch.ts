import { AppError } from "../../protocol/errors.ts";
import { databaseId } from "../database_id.ts";
import type { Attempt, Task, Workspace } from "../orch_types.ts";
import { parseStoredJson } from "../stored_json.ts";
import { type AnalysisView, analysisView } from "./analysis_view.ts";
import { type NamedView, writeWithView } from "./analysis_write.ts";
import { cancelAttempt } from "./cancel_attempt.ts";
import { redispatchStart } from "./carry_forward.ts";
import type { OrchContext } from "./context.ts";
import { createAttempt } from "./create_attempt.ts";
import { type DispatchResult, dispatchResult } from "./dispatch_result.ts";
import { dispatchWithWorkspace } from "./dispatch_with_workspace.ts";
import { latestAttempt } from "./latest_attempt.ts";
import type { StackDep } from "./stack_deps.ts";

/** What a redispatch check allows: the task, its current attempt, and why to cancel it (if live). */
export interface RedispatchCheck {
  task: Task;
  prev: Attempt;
  cancelReason: string | undefined;
}

/** One retry or reassign: the new attempt's worker, body, base, event and check. */
export interface Redispatch {
  runId: string;
  taskId: string;
  to: string | undefined;
  body: string | undefined;
  baseRef: string | undefined;
  event: string;
  conflictMerge?: { commit: string; message: string };
  check: () => Promise<RedispatchCheck>;
}

/**
 * Attempt n+1 of a task that had attempt n (retry, reassign). `check` runs
 * inside a write transaction and says whether it may happen now, and which
 * live attempt to cancel; in code mode it runs again when committing, after
 * the new worktree was made outside any transaction.
 */
export async function redispatch(ctx: OrchContext, o: Redispatch): Promise<DispatchResult> {
  const { runId, taskId } = o;
  const create = async (
    c: RedispatchCheck,
    workspace: Workspace | undefined,
    n: number | undefined,
    start: { deps: readonly StackDep[]; carried?: string } = { deps: [] },
    view?: NamedView,
  ) => {
    const prev = c.prev;
    if (c.cancelReason !== undefined) await cancelAttempt(ctx, prev, c.cancelReason);
    const firstBody = (await ctx.db.get(
      "SELECT body FROM messages WHERE thread_id = ? ORDER BY id LIMIT 1",
      prev.thread_id,
    ))?.["body"];
    const attempt = await createAttempt(ctx, c.task, {
      mode: prev.execution_mode,
      to: o.to ?? prev.assigned_to,
      body: o.body ?? (firstBody == null ? undefined : String(firstBody)),
      workspace,
      n,
      idempotencyKey: undefined,
      event: o.event,
      deps: start.deps,
      ...(view ? { view } : {}),
      eventPayload: {
        previous_attempt_id: prev.id,
        previous_assigned_to: prev.assigned_to,
        ...(o.conflictMerge && workspace ? { merged_previous_head: o.conflictMerge.commit } : {}),
        ...(start.carried && workspace ? { carried_from_commit: start.carried } : {}),
      },
    });
    return dispatchResult(ctx, attempt, false);
  };
  // The previous attempt's workspace fields never change, so they can be read
  // before the transaction that checks it is still the latest.
  const seen = await ctx.db.read(() => latestAttempt(ctx, runId, taskId));
  if (seen?.execution_mode !== "code") {
    // Analysis: the view again (git, before the transaction), with what the dependencies hold now.
    const view = seen ? await _viewAgain(ctx, seen) : undefined;
    return writeWithView(ctx, o, view, async (named) => {
      const c = await o.check();
      const withRef = await named();
      return create(c, undefined, undefined, { deps: view?.stack ?? [] }, withRef);
    });
  }
  // Work carried forward (git, before any transaction; none after a merge left it out).
  const from = o.conflictMerge
    ? { stack: [], deps: [] }
    : await redispatchStart(ctx.db, ctx.workspaces, seen, o.baseRef);
  const { startFrom, stack } = from;
  let checked: RedispatchCheck | undefined;
  return dispatchWithWorkspace(ctx, {
    runId,
    taskId,
    request: {
      repoPath: seen.repo_path ?? undefined,
      workspaceRoot: seen.worktree_path ? await _workspaceRootOf(ctx, seen) : undefined,
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
 * The read-only view a new analysis attempt of `prev`'s task gets, made as
 * `prev`'s was: of the repository its task message named, with the
 * dependencies' work when `prev` included any (as they are now), else the
 * bare HEAD. Undefined when `prev` had no repository and no dependencies.
 */
async function _viewAgain(ctx: OrchContext, prev: Attempt): Promise<AnalysisView | undefined> {
  const row = await ctx.db.read(() =>
    ctx.db.get(
      "SELECT payload FROM messages WHERE thread_id = ? ORDER BY id LIMIT 1",
      prev.thread_id,
    )
  );
  const payload = parseStoredJson(row?.["payload"]);
  const p = payload !== null && typeof payload === "object"
    ? payload as Record<string, unknown>
    : {};
  const deps = p["included_deps"];
  return analysisView(ctx.db, ctx.workspaces, {
    runId: prev.run_id,
    taskId: prev.task_id,
    repoPath: typeof p["repo_path"] === "string" ? p["repo_path"] : undefined,
    fromBase: !(Array.isArray(deps) && deps.length > 0),
  });
}

/**
 * The workspace root an attempt's worktree was made under:
 * `<root>/<database id>/<run>/<task>/attempt-n`, or `<root>/<run>/<task>/attempt-n`
 * for attempts made before database ids.
 */
async function _workspaceRootOf(ctx: OrchContext, a: Attempt): Promise<string> {
  const parts = a.worktree_path!.split("/");
  const depth = parts.at(-4) === await databaseId(ctx.db) ? 4 : 3;
  return parts.slice(0, -depth).join("/");
}
