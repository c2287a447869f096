import type { OrchStore } from "../orch_store.ts";

/** The id of the run's latest event (0 when none): the cursor a live view starts after. */
export function lastEventId(store: OrchStore, runId: string): number {
  return Number(
    store.db.get("SELECT COALESCE(MAX(id), 0) AS id FROM events WHERE run_id = ?", runId)?.["id"] ??
      0,
  );
}
