import { AppError } from "../../protocol/errors.ts";
import type { Task } from "../orch_types.ts";

/** The worker an attempt goes to: `to`, else the task's default (USAGE when neither). */
export function requireAssignee(task: Task, to: string | undefined): string {
  const assignedTo = to ?? task.default_to;
  if (!assignedTo) {
    throw new AppError(
      "USAGE",
      `Task "${task.id}" has no default worker and none was named`,
      { reason: "no_default_worker", run_id: task.run_id, task_id: task.id },
    );
  }
  return assignedTo;
}
