import type { OrchContext } from "./context.ts";

/** The id of the run's latest event (0 when none): the cursor a live view starts after. */
export async function lastEventId(store: OrchContext, runId: string): Promise<number> {
  return Number(
    (await store.db.get("SELECT COALESCE(MAX(id), 0) AS id FROM events WHERE run_id = ?", runId))
      ?.["id"] ??
      0,
  );
}
