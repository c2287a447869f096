import { eventFromRow, type EventRecord } from "../append_event.ts";
import type { OrchContext } from "./context.ts";

/** Events of the run after `after` whose type is in `types` (all types when empty). */
export async function eventsAfter(
  ctx: OrchContext,
  input: { runId: string; after: number; types: readonly string[]; limit: number },
): Promise<EventRecord[]> {
  const placeholders = input.types.map(() => "?").join(", ");
  return (await ctx.db.all(
    `SELECT * FROM events WHERE run_id = ? AND id > ?${
      input.types.length ? ` AND type IN (${placeholders})` : ""
    }
     ORDER BY id LIMIT ?`,
    input.runId,
    input.after,
    ...input.types,
    input.limit,
  )).map(eventFromRow);
}
