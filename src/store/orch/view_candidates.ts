/**
 * Analysis attempts whose read-only view (`refs/orch-views/...`) `cleanup`
 * may remove: of the run (or one task), finished (the attempt or its task
 * final: the same rule as for worktrees), and given a repository. The
 * repository is read from the attempt's task message, which the leader
 * wrote at dispatch (the attempts row of an analysis attempt has none).
 * Read-only.
 */
import { databaseId } from "../database_id.ts";
import type { OrchContext } from "./context.ts";
import { getRun } from "./get_run.ts";
import { getTask } from "./get_task.ts";
import { attemptFinishedSql } from "./rules_sql.ts";

/** A finished analysis attempt with a view, and what its view ref is named by. */
export interface ViewCandidate {
  attempt_id: number;
  task_id: string;
  n: number;
  repo_path: string;
}

export async function viewCandidates(
  ctx: OrchContext,
  runId: string,
  taskId: string | undefined,
): Promise<{ databaseId: string; attempts: ViewCandidate[] }> {
  return await ctx.db.read(async () => {
    await getRun(ctx, runId);
    if (taskId !== undefined) await getTask(ctx, runId, taskId);
    const rows = await ctx.db.all(
      `SELECT a.id, a.task_id, a.n,
         (SELECT m.payload FROM messages m WHERE m.thread_id = a.thread_id AND m.type = 'task'
          ORDER BY m.id LIMIT 1) AS payload
       FROM attempts a JOIN tasks k ON k.run_id = a.run_id AND k.id = a.task_id
       WHERE a.run_id = ? AND a.execution_mode = 'analysis'
         AND (? IS NULL OR a.task_id = ?)
         AND ${attemptFinishedSql("a", "k")}
       ORDER BY a.id`,
      runId,
      taskId ?? null,
      taskId ?? null,
    );
    const attempts: ViewCandidate[] = [];
    for (const r of rows) {
      const repo = _viewRepo(r["payload"]);
      if (repo === null) continue;
      attempts.push({
        attempt_id: Number(r["id"]),
        task_id: String(r["task_id"]),
        n: Number(r["n"]),
        repo_path: repo,
      });
    }
    return { databaseId: await databaseId(ctx.db), attempts };
  });
}

/** The repository of a task payload that has a view (`view_ref`), else null. */
function _viewRepo(payload: unknown): string | null {
  let p: unknown = payload;
  if (typeof payload === "string") {
    try {
      p = JSON.parse(payload);
    } catch {
      return null;
    }
  }
  if (p === null || typeof p !== "object") return null;
  const o = p as Record<string, unknown>;
  return typeof o["view_ref"] === "string" && typeof o["repo_path"] === "string"
    ? o["repo_path"]
    : null;
}
