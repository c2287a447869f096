/**
 * The schema version this program writes: the id of the last migration.
 * Every backend has the same numbered migrations (SQLite:
 * `src/storage/sqlite/migrations.ts`; PostgreSQL: `schema/postgres/`), so a
 * version means the same tables everywhere.
 */
export const LATEST_SCHEMA_VERSION = 8;
