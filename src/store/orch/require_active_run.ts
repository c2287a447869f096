import { AppError } from "../../protocol/errors.ts";
import type { Run } from "../orch_types.ts";

/** Throws INVALID_STATE unless the run is active. */
export function requireActiveRun(run: Run): void {
  if (run.status !== "active") {
    throw new AppError("INVALID_STATE", `Run "${run.id}" is ${run.status}`, {
      run_id: run.id,
      status: run.status,
    });
  }
}
