import initial from "../../../schema/postgres/001_initial.sql" with { type: "text" };
import codeResults from "../../../schema/postgres/002_code_results.sql" with { type: "text" };
import capabilityTokens from "../../../schema/postgres/003_capability_tokens.sql" with {
  type: "text",
};
import taskExecutionMode from "../../../schema/postgres/004_task_execution_mode.sql" with {
  type: "text",
};
import searchIndex from "../../../schema/postgres/005_search_index.sql" with { type: "text" };
import workspaceSafety from "../../../schema/postgres/006_workspace_safety.sql" with {
  type: "text",
};
import stackedStart from "../../../schema/postgres/007_stacked_start.sql" with { type: "text" };
import statusColumns from "../../../schema/postgres/008_status_columns.sql" with {
  type: "text",
};

/** One numbered migration: plain SQL, embedded in the program as text. */
export interface PgMigration {
  readonly id: number;
  readonly name: string;
  readonly sql: string;
}

/**
 * The PostgreSQL migrations: one per SQLite migration, same id and name, same
 * tables and meaning (schema/postgres/NNN_*.sql). Only ever append, in step
 * with the SQLite migrations (schema/NNN_*.sql; migrate_test.ts checks the two lists agree).
 */
export const PG_MIGRATIONS: readonly PgMigration[] = [
  { id: 1, name: "001_initial", sql: initial },
  { id: 2, name: "002_code_results", sql: codeResults },
  { id: 3, name: "003_capability_tokens", sql: capabilityTokens },
  { id: 4, name: "004_task_execution_mode", sql: taskExecutionMode },
  { id: 5, name: "005_search_index", sql: searchIndex },
  { id: 6, name: "006_workspace_safety", sql: workspaceSafety },
  { id: 7, name: "007_stacked_start", sql: stackedStart },
  { id: 8, name: "008_status_columns", sql: statusColumns },
];

/** The schema version this program writes on PostgreSQL. */
export const PG_LATEST_SCHEMA_VERSION: number = PG_MIGRATIONS[PG_MIGRATIONS.length - 1]?.id ?? 0;
