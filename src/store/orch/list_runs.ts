import { mapSeq } from "../map_seq.ts";
import type { OrchStore } from "../orch_store.ts";
import type { Run, TaskCounts } from "../orch_types.ts";

/** Every run of the database, newest first, with its task counts (no reconcile: cheap). */
export async function listRuns(store: OrchStore): Promise<Array<{ run: Run; counts: TaskCounts }>> {
  return await store.db.read(async () =>
    mapSeq(
      await store.db.all("SELECT id FROM runs ORDER BY created_at DESC, id DESC"),
      (r) => store.showRun(String(r["id"])),
    )
  );
}
