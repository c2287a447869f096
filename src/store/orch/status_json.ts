import { sqlFor } from "../../storage/sql_fragments.ts";
import type { Run, TaskCounts, TaskStatus } from "../orch_types.ts";
import { ATTEMPT_JSON_SQL } from "./attempt_row.ts";
import { nowIso, type OrchContext } from "./context.ts";
import { getRun } from "./get_run.ts";
import { zeroCounts } from "./zero_counts.ts";
import { dependencyWaitingSql, shownStatusSql } from "./rules_sql.ts";

/**
 * {@linkcode status} with each task as JSON text, in order, from one
 * snapshot. The database builds each task's JSON in one query and
 * `orch --json status` prints the texts as they are, without joining them
 * into one string: on a run of 10,000 tasks this skips building and
 * serialising ~50,000 JS objects, most of the command's time. Parsed, it
 * must equal `status(ctx, runId)`; orch_store_status_test.ts holds the two
 * to that.
 */
export async function statusJson(
  ctx: OrchContext,
  runId: string,
): Promise<{ run: Run; counts: TaskCounts; tasks_json: string[] }> {
  const sql = sqlFor(ctx.db.dialect);
  const shown = shownStatusSql("k.status", "COALESCE(dj.waiting, 0)");
  return await ctx.db.read(async () => {
    const run = await getRun(ctx, runId);
    // The latest attempt, its thread and its latest message are each found
    // through an index, per task; the dependency aggregate is one pass over
    // the run's edges. (Materialising the latest attempts and messages first,
    // then joining them through automatic indexes, cost ~20 % more.)
    const rows = await ctx.db.all(
      `WITH dj AS MATERIALIZED (
       SELECT d.task_id, ${sql.jsonGroupArray}(d.depends_on ORDER BY u.seq) AS ids,
         SUM(CASE WHEN ${dependencyWaitingSql("u.status")} THEN 1 ELSE 0 END) AS waiting
       FROM deps d JOIN tasks u ON u.run_id = d.run_id AND u.id = d.depends_on
       WHERE d.run_id = ?1 GROUP BY d.task_id
     )
     SELECT ${sql.jsonObject}(
       'run_id', k.run_id, 'id', k.id, 'title', k.title, 'summary', k.summary,
       'default_to', k.default_to, 'execution_mode', k.execution_mode, 'acceptance',
       CASE WHEN json_valid(k.acceptance) THEN json(k.acceptance) END,
       'status', ${shown},
       'depends_on', json(COALESCE(dj.ids, '[]')),
       'created_at', k.created_at, 'updated_at', k.updated_at,
       'latest_attempt', CASE WHEN la.id IS NULL THEN NULL ELSE ${
        ATTEMPT_JSON_SQL("la", "lt", sql)
      } END,
       'latest_message', CASE WHEN lm.id IS NULL THEN NULL ELSE ${sql.jsonObject}(
         'id', lm.id, 'thread_id', lm.thread_id, 'from_agent', lm.from_agent,
         'to_agent', lm.to_agent, 'type', lm.type, 'body', lm.body,
         'payload', CASE WHEN json_valid(lm.payload) THEN json(lm.payload) END, 'ts', lm.ts) END
     ) AS task,
     ${shown} AS shown_status
     FROM tasks k LEFT JOIN dj ON dj.task_id = k.id
       LEFT JOIN attempts la ON la.run_id = k.run_id AND la.task_id = k.id AND la.n = (
         SELECT MAX(n) FROM attempts b WHERE b.run_id = k.run_id AND b.task_id = k.id)
       LEFT JOIN threads lt ON lt.id = la.thread_id
       LEFT JOIN messages lm ON lm.id = (SELECT MAX(id) FROM messages WHERE thread_id = la.thread_id)
     WHERE k.run_id = ?1 ORDER BY k.seq`,
      runId,
      nowIso(ctx),
    );
    const counts = zeroCounts();
    counts.total = rows.length;
    for (const r of rows) counts[r["shown_status"] as TaskStatus]++;
    return { run, counts, tasks_json: rows.map((r) => r["task"] as string) };
  });
}
