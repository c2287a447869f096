import { AppError } from "../../protocol/errors.ts";
import type { ExecutionMode, Workspace } from "../orch_types.ts";
import { analysisView } from "./analysis_view.ts";
import { writeWithView } from "./analysis_write.ts";
import { checkDispatch } from "./check_dispatch.ts";
import type { OrchContext } from "./context.ts";
import { createAttempt } from "./create_attempt.ts";
import { type DispatchResult, dispatchResult } from "./dispatch_result.ts";
import { dispatchWithWorkspace } from "./dispatch_with_workspace.ts";
import { reconcile } from "./reconcile.ts";
import { sameStack, type StackDep, stackDeps } from "./stack_deps.ts";

/** What to dispatch, to whom, and (code mode) where its worktree comes from. */
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

/**
 * Dispatches a ready task (after folding worker progress, so a dependency
 * that just finished counts): creates the attempt and its inbox thread
 * (payload: run, task, attempt, acceptance, workspace) in one transaction.
 * In code mode the fresh worktree is made outside any transaction, between
 * a reservation and that commit (see dispatch_with_workspace.ts); if
 * anything fails, nothing is written and the worktree is removed again. A
 * repeat with the same idempotency key returns the first attempt.
 */
export async function dispatch(ctx: OrchContext, input: DispatchInput): Promise<DispatchResult> {
  // Settle finished code dependencies first (git reads, outside the transaction).
  if (ctx.workspaces) await reconcile(ctx, input.runId);
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
      input.fromBase ? [] : await stackDeps(ctx.db, input.runId, input.taskId);
    const stack = await ctx.db.read(stackNow);
    return dispatchWithWorkspace(ctx, {
      runId: input.runId,
      taskId: input.taskId,
      request: {
        repoPath: input.repoPath,
        workspaceRoot: input.workspaceRoot,
        baseRef: input.baseRef,
        baseCommit: undefined,
        ...(stack.length ? { stack, label: `${input.runId}/${input.taskId}` } : {}),
      },
      check: () => checkDispatch(ctx, input),
      commit: async (task, workspace, n) => {
        const now = await stackNow();
        if (!sameStack(now, stack)) {
          throw new AppError(
            "INVALID_STATE",
            `The dependencies of task "${input.taskId}" changed while it was dispatched: dispatch it again`,
            { run_id: input.runId, task_id: input.taskId },
          );
        }
        return dispatchResult(
          ctx,
          await createAttempt(ctx, task, attemptOptions(workspace, n, stack)),
          false,
        );
      },
    });
  }
  // Analysis: the dependencies' work integrated as a commit (git, before the transaction),
  // kept under a read-only ref once the attempt exists.
  const view = await analysisView(ctx.db, ctx.workspaces, input);
  return writeWithView(ctx, input, view, async (named) => {
    const c = await checkDispatch(ctx, input);
    if ("replay" in c) return c.replay;
    const withRef = await named();
    return dispatchResult(
      ctx,
      await createAttempt(ctx, c.task, {
        ...attemptOptions(undefined, undefined, view?.stack ?? []),
        ...(withRef ? { view: withRef } : {}),
      }),
      false,
    );
  });
}
