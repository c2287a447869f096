import initial from "../../../schema/001_initial.sql" with { type: "text" };
import codeResults from "../../../schema/002_code_results.sql" with { type: "text" };
import capabilityTokens from "../../../schema/003_capability_tokens.sql" with { type: "text" };
import taskExecutionMode from "../../../schema/004_task_execution_mode.sql" with { type: "text" };
import searchIndex from "../../../schema/005_search_index.sql" with { type: "text" };
import workspaceSafety from "../../../schema/006_workspace_safety.sql" with { type: "text" };
import stackedStart from "../../../schema/007_stacked_start.sql" with { type: "text" };
import statusColumns from "../../../schema/008_status_columns.sql" with { type: "text" };

/** One numbered migration: plain SQL, embedded in the program as text. */
export interface Migration {
  readonly id: number;
  readonly name: string;
  readonly sql: string;
}

/** Every migration, in order. Only ever append to this list. */
export const MIGRATIONS: readonly Migration[] = [
  { id: 1, name: "001_initial", sql: initial },
  { id: 2, name: "002_code_results", sql: codeResults },
  { id: 3, name: "003_capability_tokens", sql: capabilityTokens },
  { id: 4, name: "004_task_execution_mode", sql: taskExecutionMode },
  { id: 5, name: "005_search_index", sql: searchIndex },
  { id: 6, name: "006_workspace_safety", sql: workspaceSafety },
  { id: 7, name: "007_stacked_start", sql: stackedStart },
  { id: 8, name: "008_status_columns", sql: statusColumns },
];

/** The schema version this program writes (checked against this list by its test). */
export { LATEST_SCHEMA_VERSION } from "../schema_version.ts";
