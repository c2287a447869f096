import type { Db } from "../../storage/db.ts";

/** Who holds an attempt's thread now, how far it is, and until when. */
export interface ThreadLease {
  thread_id: number;
  claimed_by: string | null;
  progress: number | null;
  lease_expires_at: string | null;
}

/**
 * The current holder, progress and lease of every thread of a run's
 * attempts, by thread id: what the human `orch status` table shows (the
 * holder may differ from the attempt's worker after a takeover).
 */
export async function runThreadLeases(db: Db, runId: string): Promise<Map<number, ThreadLease>> {
  const rows = await db.all(
    "SELECT id, claimed_by, progress, lease_expires_at FROM threads WHERE run_id = ?",
    runId,
  );
  return new Map(rows.map((r) => {
    const lease: ThreadLease = {
      thread_id: Number(r["id"]),
      claimed_by: (r["claimed_by"] as string | null) ?? null,
      progress: r["progress"] === null ? null : Number(r["progress"]),
      lease_expires_at: (r["lease_expires_at"] as string | null) ?? null,
    };
    return [lease.thread_id, lease];
  }));
}
