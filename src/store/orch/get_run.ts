import type { Row } from "../../storage/db.ts";
import { AppError } from "../../protocol/errors.ts";
import { parseStoredJson } from "../stored_json.ts";
import type { Run, RunStatus } from "../orch_types.ts";
import type { OrchContext } from "./context.ts";

/** One run (RUN_NOT_FOUND when missing). */
export async function getRun(ctx: OrchContext, runId: string): Promise<Run> {
  const row = await ctx.db.get("SELECT * FROM runs WHERE id = ?", runId);
  if (!row) {
    throw new AppError("RUN_NOT_FOUND", `Run "${runId}" does not exist`, { run_id: runId });
  }
  return _runFromRow(row);
}

function _runFromRow(r: Row): Run {
  return {
    id: String(r["id"]),
    goal: String(r["goal"]),
    summary: String(r["summary"]),
    status: r["status"] as RunStatus,
    kind: String(r["kind"]),
    meta: parseStoredJson(r["meta"]),
    created_at: String(r["created_at"]),
    updated_at: String(r["updated_at"]),
  };
}
