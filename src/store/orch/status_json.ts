import { sqlFor } from "../../storage/sql_fragments.ts";
import type { Run, TaskCounts, TaskStatus } from "../orch_types.ts";
import { ATTEMPT_JSON_SQL } from "./attempt_row.ts";
import { nowIso, type OrchContext } from "./context.ts";
import { getRun } from "./get_run.ts";
import { zeroCounts } from "./zero_counts.ts";
import { shownStatusSql } from "./rules_sql.ts";

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
  const shown = shownStatusSql("k");
  return await ctx.db.read(async () => {
    const run = await getRun(ctx, runId);
    // Each task row carries its dependency ids and its latest attempt's id,
    // and that attempt's thread its latest message's id (kept by the triggers
    // of migration 008): one lookup by primary key each. Only a pending task
    // looks at its dependencies' statuses (whether it is ready).
    const rows = await ctx.db.all(
      `SELECT ${sql.jsonObject}(
       'run_id', k.run_id, 'id', k.id, 'title', k.title, 'summary', k.summary,
       'default_to', k.default_to, 'execution_mode', k.execution_mode, 'acceptance',
       CASE WHEN json_valid(k.acceptance) THEN json(k.acceptance) END,
       'status', ${shown},
       'depends_on', json(k.depends_on_json),
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
     FROM tasks k
       LEFT JOIN attempts la ON la.id = k.latest_attempt_id
       LEFT JOIN threads lt ON lt.id = la.thread_id
       LEFT JOIN messages lm ON lm.id = lt.last_message_id
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
