/**
 * Schema versions on PostgreSQL, with the rules of the SQLite opener: a
 * one-row `schema_version` table holds the version (SQLite's `user_version`),
 * `schema_migrations` records each applied migration. Newer than this program:
 * `SCHEMA_TOO_NEW`; never initialised: `DB_NOT_INITIALIZED` (unless init);
 * older: upgraded by whichever process opens it first, each migration in its
 * own write transaction, which holds the writer advisory lock, so concurrent
 * openers apply each migration exactly once.
 */
import { AppError } from "../../protocol/errors.ts";
import type { Db } from "../db.ts";
import { PG_LATEST_SCHEMA_VERSION, PG_MIGRATIONS } from "./migrations.ts";

const _CREATE_BOOKKEEPING = `
CREATE TABLE IF NOT EXISTS schema_migrations (
  id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS schema_version (
  singleton INTEGER PRIMARY KEY CHECK (singleton = 1), version INTEGER NOT NULL)`;

/** The schema version recorded in the database; 0 when it was never initialised. */
export async function pgSchemaVersion(db: Db): Promise<number> {
  const table = await db.get<{ t: string | null }>(
    "SELECT to_regclass('schema_version')::text AS t",
  );
  if (!table?.t) return 0;
  const row = await db.get<{ version: number }>(
    "SELECT version FROM schema_version WHERE singleton = 1",
  );
  return Number(row?.version ?? 0);
}

function _tooNew(db: Db, version: number): AppError {
  return new AppError(
    "SCHEMA_TOO_NEW",
    `Database "${db.label}" has schema version ${version}, newer than this program's ${PG_LATEST_SCHEMA_VERSION}: upgrade inbox/orch`,
    { db: db.label, db_version: version, program_version: PG_LATEST_SCHEMA_VERSION },
  );
}

/**
 * Checks the schema and applies pending migrations. Returns the ids applied
 * by this call (none when another opener got there first).
 */
export async function migratePostgres(db: Db, options: { init?: boolean } = {}): Promise<number[]> {
  const version = await pgSchemaVersion(db);
  if (version > PG_LATEST_SCHEMA_VERSION) throw _tooNew(db, version);
  if (version === 0 && !options.init) {
    throw new AppError(
      "DB_NOT_INITIALIZED",
      `Database "${db.label}" is not initialised: run "inbox --db ${db.label} init"`,
      { db: db.label },
    );
  }
  const applied: number[] = [];
  if (version === PG_LATEST_SCHEMA_VERSION) return applied;
  for (const m of PG_MIGRATIONS) {
    await db.write(async (tx) => {
      await tx.run(_CREATE_BOOKKEEPING);
      // Re-read under the writer lock: another process may have just applied it.
      const current = await pgSchemaVersion(tx);
      if (current > PG_LATEST_SCHEMA_VERSION) throw _tooNew(tx, current);
      if (current >= m.id) return;
      const recorded = Number(
        (await tx.get<{ id: number }>("SELECT coalesce(max(id), 0) AS id FROM schema_migrations"))
          ?.id ?? 0,
      );
      if (recorded > current) {
        throw new AppError(
          "STORAGE_ERROR",
          `Database "${db.label}" says schema version ${current} but migration ${recorded} was applied: its schema_version row was changed by other means; restore it (version = ${recorded}) or use a backup`,
          { db: db.label, db_version: current, applied_migration: recorded },
        );
      }
      try {
        await tx.run(m.sql);
      } catch (err) {
        if (err instanceof AppError) throw err;
        throw new AppError(
          "STORAGE_ERROR",
          `Database "${db.label}": migration ${m.id} ("${m.name}") failed: ${
            (err as Error).message
          }`,
          { db: db.label, migration: m.id },
        );
      }
      await tx.run(
        "INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)",
        m.id,
        m.name,
        new Date().toISOString(),
      );
      await tx.run(
        `INSERT INTO schema_version (singleton, version) VALUES (1, ?)
           ON CONFLICT (singleton) DO UPDATE SET version = excluded.version`,
        m.id,
      );
      applied.push(m.id);
    });
  }
  return applied;
}
