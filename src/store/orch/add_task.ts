import { AppError } from "../../protocol/errors.ts";
import { appendEvent } from "../append_event.ts";
import { toStoredJson } from "../stored_json.ts";
import { requireText } from "../require_text.ts";
import type { ExecutionMode, Task } from "../orch_types.ts";
import { nowIso, type OrchContext } from "./context.ts";
import { getRun } from "./get_run.ts";
import { getTask } from "./get_task.ts";
import { insertNewTaskDeps } from "./insert_new_task_deps.ts";
import { requireActiveRun } from "./require_active_run.ts";

/**
 * Adds a pending task to the run, with its dependencies, in one transaction.
 * A completed run takes new work and becomes active again (`run_reopened`).
 */
export async function addTask(ctx: OrchContext, input: {
  runId: string;
  taskId: string;
  title: string;
  summary?: string;
  defaultTo?: string;
  acceptance?: unknown;
  /** The mode dispatch uses when not given one. */
  executionMode?: ExecutionMode;
  /** Tasks of the run it waits for, recorded with it in the same transaction. */
  dependsOn?: readonly string[];
}): Promise<Task> {
  requireText(input.title, "title");
  requireText(input.summary, "summary");
  return await ctx.db.write(async () => {
    const run = await getRun(ctx, input.runId);
    // A completed run takes new work: it becomes active again. A cancelled one does not.
    if (run.status !== "completed") requireActiveRun(run);
    if (
      await ctx.db.get(
        "SELECT 1 FROM tasks WHERE run_id = ? AND id = ?",
        input.runId,
        input.taskId,
      )
    ) {
      throw new AppError(
        "ALREADY_EXISTS",
        `Task "${input.taskId}" already exists in run "${input.runId}"`,
        { run_id: input.runId, task_id: input.taskId },
      );
    }
    const now = nowIso(ctx);
    if (run.status === "completed") {
      await ctx.db.run(
        "UPDATE runs SET status = 'active', updated_at = ? WHERE id = ?",
        now,
        run.id,
      );
      await appendEvent(ctx.db, {
        ts: now,
        type: "run_reopened",
        runId: run.id,
        payload: { reason: `task "${input.taskId}" added` },
      });
    }
    const seq = Number(
      (await ctx.db.get(
        "SELECT COALESCE(MAX(seq), 0) + 1 AS s FROM tasks WHERE run_id = ?",
        input.runId,
      ))
        ?.["s"],
    );
    await ctx.db.run(
      `INSERT INTO tasks (run_id, id, title, summary, default_to, execution_mode, acceptance, status, seq, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)`,
      input.runId,
      input.taskId,
      input.title,
      input.summary ?? "",
      input.defaultTo ?? null,
      input.executionMode ?? null,
      toStoredJson(input.acceptance, "acceptance criteria"),
      seq,
      now,
      now,
    );
    await appendEvent(ctx.db, {
      ts: now,
      type: "task_added",
      runId: input.runId,
      taskId: input.taskId,
      payload: { title: input.title },
    });
    await insertNewTaskDeps(ctx.db, {
      runId: input.runId,
      taskId: input.taskId,
      dependsOn: input.dependsOn ?? [],
      now,
    });
    return getTask(ctx, input.runId, input.taskId);
  });
}
