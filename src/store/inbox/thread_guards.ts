/** Checks on a thread every operation that touches one may need. */
import { AppError } from "../../protocol/errors.ts";
import { FINAL_STATUSES, type Thread } from "../inbox_types.ts";

/** `NOT_PARTICIPANT` unless `agent` is the thread's sender, recipient or holder. */
export function requireParticipant(thread: Thread, agent: string): void {
  if (agent !== thread.from_agent && agent !== thread.to_agent && agent !== thread.claimed_by) {
    throw new AppError(
      "NOT_PARTICIPANT",
      `Agent "${agent}" is not a participant of thread ${thread.id}`,
      { thread_id: thread.id, agent, from_agent: thread.from_agent, to_agent: thread.to_agent },
    );
  }
}

/** `CANCELLED` or `THREAD_CLOSED` when the thread is final. */
export function requireNotFinal(thread: Thread): void {
  if (thread.status === "cancelled") {
    throw new AppError("CANCELLED", `Thread ${thread.id} was cancelled`, {
      thread_id: thread.id,
      status: thread.status,
    });
  }
  if (FINAL_STATUSES.includes(thread.status)) {
    throw new AppError("THREAD_CLOSED", `Thread ${thread.id} is already ${thread.status}`, {
      thread_id: thread.id,
      status: thread.status,
    });
  }
}
