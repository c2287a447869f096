import { TASK_STATUSES, type TaskCounts } from "../orch_types.ts";

/** Task counts with every status at zero. */
export function zeroCounts(): TaskCounts {
  const counts = Object.fromEntries([...TASK_STATUSES, "ready"].map((s) => [s, 0])) as TaskCounts;
  counts.total = 0;
  return counts;
}
