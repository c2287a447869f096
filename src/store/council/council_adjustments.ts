import type { Db } from "../../storage/db.ts";
import { AppError } from "../../protocol/errors.ts";
import type { CouncilAdjustment } from "../../council/types.ts";
import { type Clock, iso } from "../clock.ts";

async function _councilMeta(db: Db, runId: string): Promise<Record<string, unknown>> {
  const row = await db.get("SELECT kind, meta FROM runs WHERE id = ?", runId);
  if (!row) throw new AppError("RUN_NOT_FOUND", `Run "${runId}" does not exist`, { run_id: runId });
  if (row["kind"] !== "council") {
    throw new AppError("INVALID_STATE", `Run "${runId}" is not a council run`, { run_id: runId });
  }
  try {
    const meta = JSON.parse(String(row["meta"] ?? "{}"));
    return meta !== null && typeof meta === "object" ? meta : {};
  } catch {
    return {};
  }
}

/** The leader's recorded merges and splits of a council run, in order. */
export async function councilAdjustments(db: Db, runId: string): Promise<CouncilAdjustment[]> {
  const list = (await _councilMeta(db, runId))["adjustments"];
  return Array.isArray(list) ? list as CouncilAdjustment[] : [];
}

/**
 * Appends a merge or split to the council run's record (`adjustment`), or
 * clears them all (`undefined`), in one write transaction.
 * Returns the adjustments now recorded.
 */
export async function recordCouncilAdjustment(
  db: Db,
  runId: string,
  adjustment: CouncilAdjustment | undefined,
  clock: Clock,
): Promise<CouncilAdjustment[]> {
  return await db.write(async () => {
    const meta = await _councilMeta(db, runId);
    const list = Array.isArray(meta["adjustments"])
      ? meta["adjustments"] as CouncilAdjustment[]
      : [];
    const next = adjustment === undefined ? [] : [...list, adjustment];
    const now = iso(clock.now());
    await db.run(
      "UPDATE runs SET meta = ?, updated_at = ? WHERE id = ?",
      JSON.stringify({ ...meta, adjustments: next }),
      now,
      runId,
    );
    return next;
  });
}
