import initial from "../../schema/001_initial.sql" with { type: "text" };
import codeResults from "../../schema/002_code_results.sql" with { type: "text" };
import capabilityTokens from "../../schema/003_capability_tokens.sql" with { type: "text" };

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
];

/** The schema version this program writes. */
export const LATEST_SCHEMA_VERSION: number = MIGRATIONS[MIGRATIONS.length - 1]?.id ?? 0;
