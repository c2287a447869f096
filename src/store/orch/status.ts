import { messageFromRow } from "../inbox/message_row.ts";
import type { Message } from "../inbox_types.ts";
import type { Attempt, Run, Task, TaskCounts } from "../orch_types.ts";
import { ATTEMPT_SELECT, attemptFromRow } from "./attempt_row.ts";
import { nowIso, type OrchContext } from "./context.ts";
import { countTasks } from "./count_tasks.ts";
import { getRun } from "./get_run.ts";
import { listTasks } from "./list_tasks.ts";

/** A task as `orch status` shows it: with its latest attempt and that attempt's latest message. */
export interface TaskView extends Task {
  latest_attempt: Attempt | null;
  latest_message: Message | null;
}

/** The full run view (call reconcile first): run, counts, tasks with latest attempt and message. */
export async function status(
  ctx: OrchContext,
  runId: string,
): Promise<{ run: Run; counts: TaskCounts; tasks: TaskView[] }> {
  return await ctx.db.read(async () => {
    const run = await getRun(ctx, runId);
    const counts = await countTasks(ctx, runId);
    const tasks = await listTasks(ctx, runId);
    const now = nowIso(ctx);
    const attempts = new Map<string, Attempt>();
    for (
      const r of await ctx.db.all(
        `${ATTEMPT_SELECT} WHERE a.run_id = ? AND a.n = (
           SELECT MAX(n) FROM attempts b WHERE b.run_id = a.run_id AND b.task_id = a.task_id)`,
        runId,
      )
    ) attempts.set(String(r["task_id"]), attemptFromRow(r, now));
    const messages = new Map<number, Message>();
    for (
      const r of await ctx.db.all(
        `SELECT m.* FROM messages m WHERE m.id IN (
           SELECT MAX(m2.id) FROM messages m2 JOIN threads t ON t.id = m2.thread_id
           WHERE t.run_id = ? GROUP BY m2.thread_id)`,
        runId,
      )
    ) messages.set(Number(r["thread_id"]), messageFromRow(r));
    return {
      run,
      counts,
      tasks: tasks.map((t) => {
        const a = attempts.get(t.id) ?? null;
        return {
          ...t,
          latest_attempt: a,
          latest_message: a ? messages.get(a.thread_id) ?? null : null,
        };
      }),
    };
  });
}
