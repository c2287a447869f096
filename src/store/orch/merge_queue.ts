/**
 * What `orch merge` would integrate: the run's accepted, not yet merged code
 * results, in dependency order (read-only).
 */
import type { OrchContext } from "./context.ts";
import type { Attempt } from "../orch_types.ts";
import { getRun } from "./get_run.ts";
import { getTask } from "./get_task.ts";
import { status } from "./status.ts";

/** One task to merge, with the earlier queue entries it depends on. */
export interface MergeCandidate {
  task_id: string;
  attempt: Attempt;
  /** Code dependencies with unmerged accepted results: they must merge first. */
  needs: string[];
}

/** A task named with `--task` that is not in the queue, and why. */
export interface MergeSkip {
  task_id: string;
  reason: "not_code" | "not_accepted" | "already_merged" | "no_changes";
}

/**
 * The queue for merging the run into `into`: every done task whose latest
 * attempt is a code attempt with an `accepted` result not yet merged into
 * `into` (only `taskIds` when given), dependencies first, then creation
 * order. Named tasks that cannot be merged are listed in `skipped`.
 */
export async function mergeQueue(
  store: OrchContext,
  runId: string,
  into: string,
  taskIds: readonly string[] | undefined,
): Promise<{ queue: MergeCandidate[]; skipped: MergeSkip[] }> {
  return await store.db.read(async () => {
    await getRun(store, runId);
    for (const id of taskIds ?? []) await getTask(store, runId, id);
    const view = await status(store, runId);
    const byId = new Map(view.tasks.map((t) => [t.id, t]));
    const unmerged = (id: string): boolean => {
      const t = byId.get(id);
      const a = t?.latest_attempt;
      return !!a && t!.status === "done" && a.execution_mode === "code" &&
        a.result?.status === "accepted" &&
        !(a.merge?.status === "merged" && a.merge.into === into);
    };
    const skipped: MergeSkip[] = [];
    for (const id of taskIds ?? []) {
      if (unmerged(id)) continue;
      const a = byId.get(id)?.latest_attempt;
      skipped.push({
        task_id: id,
        reason: !a || a.execution_mode !== "code"
          ? "not_code"
          : a.result?.status === "no_changes"
          ? "no_changes"
          : a.result?.status !== "accepted" || byId.get(id)!.status !== "done"
          ? "not_accepted"
          : "already_merged",
      });
    }
    const wanted = new Set(
      view.tasks.filter((t) => unmerged(t.id) && (!taskIds || taskIds.includes(t.id)))
        .map((t) => t.id),
    );
    // Depth-first over dependencies, in creation order: dependencies come first.
    const queue: MergeCandidate[] = [];
    const placed = new Set<string>();
    const visit = (id: string, path: Set<string>) => {
      if (placed.has(id) || path.has(id)) return;
      path.add(id);
      const t = byId.get(id)!;
      for (const d of t.depends_on) if (wanted.has(d)) visit(d, path);
      placed.add(id);
      queue.push({
        task_id: id,
        attempt: t.latest_attempt!,
        needs: t.depends_on.filter((d) => unmerged(d)),
      });
    };
    for (const t of view.tasks) if (wanted.has(t.id)) visit(t.id, new Set());
    return { queue, skipped };
  });
}
