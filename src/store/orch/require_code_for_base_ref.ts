import { AppError } from "../../protocol/errors.ts";
import type { Attempt } from "../orch_types.ts";

/** A new base ref applies only to a code task's next attempt (retry and reassign). */
export function requireCodeForBaseRef(
  input: { runId: string; taskId: string; baseRef?: string | undefined },
  prev: Attempt,
): void {
  if (input.baseRef !== undefined && prev.execution_mode !== "code") {
    throw new AppError(
      "USAGE",
      `A new base ref applies to code tasks only: "${input.taskId}" is an analysis task`,
      { reason: "base_ref_not_code", run_id: input.runId, task_id: input.taskId },
    );
  }
}
