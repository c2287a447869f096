import type { Row } from "../../storage/db.ts";
import type { Thread, ThreadKind, ThreadStatus } from "../inbox_types.ts";

/** A `threads` row as a {@linkcode Thread}. */
export function threadFromRow(r: Row): Thread {
  return {
    id: Number(r["id"]),
    kind: r["kind"] as ThreadKind,
    from_agent: String(r["from_agent"]),
    to_agent: String(r["to_agent"]),
    subject: String(r["subject"]),
    status: r["status"] as ThreadStatus,
    claimed_by: (r["claimed_by"] as string | null) ?? null,
    lease_expires_at: (r["lease_expires_at"] as string | null) ?? null,
    lease_epoch: Number(r["lease_epoch"]),
    progress: r["progress"] == null ? null : Number(r["progress"]),
    result_contract: (r["result_contract"] as string | null) ?? null,
    run_id: (r["run_id"] as string | null) ?? null,
    task_id: (r["task_id"] as string | null) ?? null,
    attempt_id: r["attempt_id"] == null ? null : Number(r["attempt_id"]),
    created_at: String(r["created_at"]),
    updated_at: String(r["updated_at"]),
  };
}
