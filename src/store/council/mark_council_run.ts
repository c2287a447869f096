import type { Db } from "../../storage/db.ts";

/**
 * Turns an existing run into a council run on `topic` with these reviewers
 * (its `kind` and `meta`), in the caller's write transaction. The caller has
 * checked that the run is active and has no tasks yet.
 */
export async function markCouncilRun(
  db: Db,
  council: { runId: string; topic: string; reviewers: readonly string[] },
): Promise<void> {
  await db.run(
    "UPDATE runs SET kind = 'council', meta = ? WHERE id = ?",
    JSON.stringify({ topic: council.topic, reviewers: council.reviewers }),
    council.runId,
  );
}
