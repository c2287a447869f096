import { AppError } from "../../protocol/errors.ts";
import { appendEvent } from "../append_event.ts";
import { toStoredJson } from "../stored_json.ts";
import { requireText } from "../require_text.ts";
import type { Run } from "../orch_types.ts";
import { nowIso, type OrchContext } from "./context.ts";
import { getRun } from "./get_run.ts";

/** Creates an active run (ALREADY_EXISTS when the id is taken), with its `run_created` event. */
export async function createRun(ctx: OrchContext, input: {
  runId: string;
  goal: string;
  summary?: string;
  kind?: string;
  meta?: unknown;
}): Promise<Run> {
  requireText(input.goal, "goal");
  requireText(input.summary, "summary");
  return await ctx.db.write(async () => {
    if (await ctx.db.get("SELECT 1 FROM runs WHERE id = ?", input.runId)) {
      throw new AppError("ALREADY_EXISTS", `Run "${input.runId}" already exists`, {
        run_id: input.runId,
      });
    }
    const now = nowIso(ctx);
    await ctx.db.run(
      `INSERT INTO runs (id, goal, summary, status, kind, meta, created_at, updated_at)
       VALUES (?, ?, ?, 'active', ?, ?, ?, ?)`,
      input.runId,
      input.goal,
      input.summary ?? "",
      input.kind ?? "run",
      toStoredJson(input.meta, "run metadata"),
      now,
      now,
    );
    await appendEvent(ctx.db, {
      ts: now,
      type: "run_created",
      runId: input.runId,
      payload: { goal: input.goal, kind: input.kind ?? "run" },
    });
    return getRun(ctx, input.runId);
  });
}
