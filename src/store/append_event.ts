import type { Db } from "../storage/db.ts";

export interface EventInput {
  ts: string;
  type: string;
  runId?: string | null;
  taskId?: string | null;
  threadId?: number | null;
  payload?: Record<string, unknown>;
}

/** The event as JSON: `id` is the cursor. */
export interface EventRecord {
  id: number;
  ts: string;
  run_id: string | null;
  task_id: string | null;
  thread_id: number | null;
  type: string;
  payload: Record<string, unknown>;
}

/**
 * Appends one event. Call it inside the write transaction of the change it
 * records, never on its own.
 */
export async function appendEvent(db: Db, e: EventInput): Promise<number> {
  return Number(
    (await db.get<{ id: number }>(
      "INSERT INTO events (ts, run_id, task_id, thread_id, type, payload) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
      e.ts,
      e.runId ?? null,
      e.taskId ?? null,
      e.threadId ?? null,
      e.type,
      JSON.stringify(e.payload ?? {}),
    ))!.id,
  );
}

/** Maps an `events` row to its JSON form. */
export function eventFromRow(row: Record<string, unknown>): EventRecord {
  return {
    id: Number(row["id"]),
    ts: String(row["ts"]),
    run_id: (row["run_id"] as string | null) ?? null,
    task_id: (row["task_id"] as string | null) ?? null,
    thread_id: row["thread_id"] == null ? null : Number(row["thread_id"]),
    type: String(row["type"]),
    payload: JSON.parse(String(row["payload"] ?? "{}")),
  };
}
