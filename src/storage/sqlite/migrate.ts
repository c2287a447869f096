import { AppError } from "../../protocol/errors.ts";
import { LATEST_SCHEMA_VERSION, type Migration, MIGRATIONS } from "./migrations.ts";
import type { SqliteDb } from "./sqlite_db.ts";
import { isSqliteBusy } from "./sqlite_busy.ts";
import { sqliteFailureReason } from "./sqlite_failure.ts";

/** Applies every pending migration, each in its own transaction. Returns the ids applied. */
export async function migrate(db: SqliteDb): Promise<number[]> {
  const applied: number[] = [];
  db.execSync(
    "CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
  );
  for (const m of MIGRATIONS) {
    const done = await db.write(() => Promise.resolve(_applyMigration(db, m)));
    if (done) applied.push(m.id);
  }
  return applied;
}

/** Applies `m` unless the database already has it (inside the caller's write transaction). */
function _applyMigration(db: SqliteDb, m: Migration): boolean {
  // Re-read inside the write lock: another process may have just applied it.
  const current = Number((db.getSync("PRAGMA user_version") ?? {})["user_version"]);
  if (current > LATEST_SCHEMA_VERSION) {
    throw new AppError(
      "SCHEMA_TOO_NEW",
      `Database "${db.path}" has schema version ${current}, newer than this program's ${LATEST_SCHEMA_VERSION}`,
      { db: db.path, db_version: current, program_version: LATEST_SCHEMA_VERSION },
    );
  }
  if (current >= m.id) return false;
  const recorded = Number(
    (db.getSync("SELECT coalesce(max(id), 0) AS id FROM schema_migrations") ?? {})["id"],
  );
  if (recorded > current) {
    throw new AppError(
      "STORAGE_ERROR",
      `Database "${db.path}" says schema version ${current} but migration ${recorded} was applied: its user_version was changed by other means; restore it (PRAGMA user_version = ${recorded}) or use a backup`,
      { db: db.path, db_version: current, applied_migration: recorded },
    );
  }
  try {
    db.raw.exec(m.sql);
  } catch (err) {
    // SQLite appends the whole statement text (" in <sql>"): keep only the reason.
    const text = (err as Error).message;
    const cut = text.indexOf(" in " + m.sql.slice(0, 16));
    const reason = cut >= 0 ? text.slice(0, cut) : text;
    // Busy and storage failures (a full disk) are the transaction's to tell (and retry).
    if (isSqliteBusy(err) || sqliteFailureReason(err)) throw err;
    throw new AppError(
      "STORAGE_ERROR",
      `Database "${db.path}": migration ${m.id} ("${m.name}") failed: ${reason}`,
      { db: db.path, migration: m.id },
    );
  }
  db.runSync(
    "INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)",
    m.id,
    m.name,
    new Date().toISOString(),
  );
  db.execSync(`PRAGMA user_version = ${m.id}`);
  return true;
}
