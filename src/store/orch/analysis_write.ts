/**
 * The write of an analysis attempt with its read-only view (dispatch, retry,
 * reassign): inside the transaction, checks the dependencies still hold what
 * the view integrated and names the view's ref after the attempt about to be
 * made; after the commit, keeps the ref (git, outside the transaction).
 *
 * @module
 */
import { AppError } from "../../protocol/errors.ts";
import { databaseId } from "../database_id.ts";
import type { AnalysisView } from "./analysis_view.ts";
import type { OrchContext } from "./context.ts";
import { nextAttemptNumber } from "./dispatch_with_workspace.ts";
import { sameStack, stackDeps } from "./stack_deps.ts";

/** A view with the ref it is kept under. */
export type NamedView = AnalysisView & { ref: string };

/**
 * Runs `write` in a write transaction; `write` calls `named()` once it has
 * checked the attempt may be made, and gets the view with its ref (undefined
 * without a view). The ref is kept only when the transaction committed.
 */
export async function writeWithView<T>(
  ctx: OrchContext,
  ids: { runId: string; taskId: string },
  view: AnalysisView | undefined,
  write: (named: () => Promise<NamedView | undefined>) => Promise<T>,
): Promise<T> {
  let kept: NamedView | undefined;
  const r = await ctx.db.write(() => {
    kept = undefined;
    return write(async () => {
      if (!view) return undefined;
      const now = await stackDeps(ctx.db, ids.runId, ids.taskId);
      if (!view.stack.every((d) => now.some((x) => sameStack([x], [d])))) {
        throw new AppError(
          "INVALID_STATE",
          `The dependencies of task "${ids.taskId}" changed while it was dispatched: dispatch it again`,
          { run_id: ids.runId, task_id: ids.taskId },
        );
      }
      const ref = ctx.workspaces!.viewRef({
        databaseId: await databaseId(ctx.db),
        runId: ids.runId,
        taskId: ids.taskId,
        attemptNumber: await nextAttemptNumber(ctx.db, ids.runId, ids.taskId),
      });
      kept = { ...view, ref };
      return kept;
    });
  });
  if (kept) ctx.workspaces!.keepRef(kept.repo_path, kept.ref, kept.commit);
  return r;
}
