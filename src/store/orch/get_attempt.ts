import { AppError } from "../../protocol/errors.ts";
import type { Attempt } from "../orch_types.ts";
import { ATTEMPT_SELECT, attemptFromRow } from "./attempt_row.ts";
import { nowIso, type OrchContext } from "./context.ts";

/** One attempt (ATTEMPT_NOT_FOUND when missing). */
export async function getAttempt(ctx: OrchContext, attemptId: number): Promise<Attempt> {
  const row = await ctx.db.get(`${ATTEMPT_SELECT} WHERE a.id = ?`, attemptId);
  if (!row) {
    throw new AppError("ATTEMPT_NOT_FOUND", `Attempt ${attemptId} does not exist`, {
      attempt_id: attemptId,
    });
  }
  return attemptFromRow(row, nowIso(ctx));
}
