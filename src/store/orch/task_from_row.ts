import type { Row } from "../../storage/db.ts";
import { parseStoredJson } from "../stored_json.ts";
import type { ExecutionMode, StoredTaskStatus, Task } from "../orch_types.ts";
import { isReady } from "../orch_rules.ts";

/** A task row as the domain type, its readiness derived from its dependencies' statuses. */
export function taskFromRow(r: Row, dependsOn: string[], depStatuses: string[]): Task {
  const stored = r["status"] as StoredTaskStatus;
  return {
    run_id: String(r["run_id"]),
    id: String(r["id"]),
    title: String(r["title"]),
    summary: String(r["summary"]),
    default_to: (r["default_to"] as string | null) ?? null,
    execution_mode: (r["execution_mode"] as ExecutionMode | null) ?? null,
    acceptance: parseStoredJson(r["acceptance"]),
    status: isReady(stored, depStatuses) ? "ready" : stored,
    depends_on: dependsOn,
    created_at: String(r["created_at"]),
    updated_at: String(r["updated_at"]),
  };
}
