import { mapSeq } from "../map_seq.ts";
import type { OrchContext } from "./context.ts";
import type { Run, TaskCounts } from "../orch_types.ts";
import { showRun } from "./show_run.ts";

/** Every run of the database, newest first, with its task counts (no reconcile: cheap). */
export async function listRuns(
  store: OrchContext,
): Promise<Array<{ run: Run; counts: TaskCounts }>> {
  return await store.db.read(async () =>
    mapSeq(
      await store.db.all("SELECT id FROM runs ORDER BY created_at DESC, id DESC"),
      (r) => showRun(store, String(r["id"])),
    )
  );
}
