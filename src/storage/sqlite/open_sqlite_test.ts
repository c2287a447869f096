import assert from "node:assert/strict";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { AppError, type ErrorCode } from "../../protocol/errors.ts";
import { cli } from "../../../tests/_cli.ts";
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from "./migrations.ts";
import type { SqliteDb } from "./sqlite_db.ts";
import { BUSY_TIMEOUT_MS, compareVersions, openSqlite } from "./open_sqlite.ts";
import { migrate } from "./migrate.ts";

async function _tempDir(): Promise<{ dir: string } & AsyncDisposable> {
  const dir = await Deno.makeTempDir({ prefix: "open-db-test-" });
  return {
    dir,
    async [Symbol.asyncDispose]() {
      await Deno.remove(dir, { recursive: true });
    },
  };
}

async function _assertAppError(
  fn: () => Promise<unknown>,
  code: ErrorCode,
  exitCode: number,
): Promise<AppError> {
  let caught: unknown;
  try {
    await fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof AppError, `expected AppError ${code}, got ${caught}`);
  assert.equal(caught.code, code);
  assert.equal(caught.exitCode, exitCode);
  return caught;
}

function _exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
}

function _pragma(db: SqliteDb, name: string) {
  return db.getSync(`PRAGMA ${name}`)?.[name];
}

Deno.test("openSqlite() with init applies every migration and records it in schema_migrations", async () => {
  await using tmp = await _tempDir();
  const path = join(tmp.dir, "fresh.db");
  using db = await openSqlite(path, { init: true });
  const rows = db.allSync<{ id: number; name: string; applied_at: string }>(
    "SELECT id, name, applied_at FROM schema_migrations ORDER BY id",
  );
  assert.deepEqual(
    rows.map((r) => [Number(r.id), r.name]),
    MIGRATIONS.map((m) => [m.id, m.name]),
  );
  for (const r of rows) assert.ok(!Number.isNaN(Date.parse(r.applied_at)), r.applied_at);
  assert.equal(Number(_pragma(db, "user_version")), LATEST_SCHEMA_VERSION);
  const tables = db.allSync<{ name: string }>(
    "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
  ).map((r) => r.name);
  for (const t of ["events", "threads", "messages", "read_cursors", "artifacts", "runs", "tasks"]) {
    assert.ok(tables.includes(t), `missing table ${t}`);
  }
});

Deno.test("openSqlite() on an up-to-date database applies nothing", async () => {
  await using tmp = await _tempDir();
  const path = join(tmp.dir, "again.db");
  (await openSqlite(path, { init: true })).closeSync();
  const before = new DatabaseSync(path);
  const first = before.prepare("SELECT id, applied_at FROM schema_migrations ORDER BY id").all();
  before.close();

  using db = await openSqlite(path);
  assert.deepEqual(await migrate(db), []);
  using again = await openSqlite(path, { init: true });
  const after = again.allSync("SELECT id, applied_at FROM schema_migrations ORDER BY id");
  assert.deepEqual(after, first);
});

Deno.test("openSqlite() refuses a schema newer than the program with SCHEMA_TOO_NEW", async () => {
  await using tmp = await _tempDir();
  const path = join(tmp.dir, "new.db");
  (await openSqlite(path, { init: true })).closeSync();
  const raw = new DatabaseSync(path);
  raw.exec(`PRAGMA user_version = ${LATEST_SCHEMA_VERSION + 1}`);
  raw.close();

  const err = await _assertAppError(() => openSqlite(path), "SCHEMA_TOO_NEW", 6);
  assert.equal(err.details["db_version"], LATEST_SCHEMA_VERSION + 1);
  assert.equal(err.details["program_version"], LATEST_SCHEMA_VERSION);
  await _assertAppError(() => openSqlite(path, { init: true }), "SCHEMA_TOO_NEW", 6);

  const r = await cli("inbox", ["--db", path, "--json", "list"]);
  assert.equal(r.code, 6);
  assert.equal(r.json.ok, false);
  assert.equal(r.json.error?.code, "SCHEMA_TOO_NEW");
  const check = new DatabaseSync(path);
  const version = check.prepare("PRAGMA user_version").get()?.["user_version"];
  check.close();
  assert.equal(Number(version), LATEST_SCHEMA_VERSION + 1);
});

Deno.test("openSqlite() refuses a missing file with DB_NOT_FOUND and does not create it", async () => {
  await using tmp = await _tempDir();
  const path = join(tmp.dir, "missing.db");
  await _assertAppError(() => openSqlite(path), "DB_NOT_FOUND", 3);
  assert.equal(_exists(path), false);
  assert.equal(_exists(path + "-wal"), false);

  const r = await cli("inbox", ["--db", path, "--json", "list"]);
  assert.equal(r.code, 3);
  assert.equal(r.json.error?.code, "DB_NOT_FOUND");
  assert.equal(_exists(path), false);
});

Deno.test("openSqlite() with init in a folder that does not exist: STORAGE_ERROR cannot_open, with the path", async () => {
  await using tmp = await _tempDir();
  const path = join(tmp.dir, "no", "such", "coord.db");
  const err = await _assertAppError(() => openSqlite(path, { init: true }), "STORAGE_ERROR", 6);
  assert.deepEqual(err.details, { db: path, reason: "cannot_open" });
  assert.match(err.message, /^Database ".*coord\.db": Cannot open the database file: /);
  assert.equal(_exists(join(tmp.dir, "no")), false);
});

Deno.test("openSqlite() refuses a file that was never initialised with DB_NOT_INITIALIZED", async () => {
  await using tmp = await _tempDir();
  const empty = join(tmp.dir, "empty.db");
  await Deno.writeFile(empty, new Uint8Array());
  await _assertAppError(() => openSqlite(empty), "DB_NOT_INITIALIZED", 6);
  assert.equal(Deno.statSync(empty).size, 0);

  const other = join(tmp.dir, "other.db");
  const raw = new DatabaseSync(other);
  raw.exec("CREATE TABLE unrelated (x INTEGER)");
  raw.close();
  await _assertAppError(() => openSqlite(other), "DB_NOT_INITIALIZED", 6);
});

Deno.test("openSqlite() sets WAL, synchronous FULL, foreign keys and a busy timeout", async () => {
  await using tmp = await _tempDir();
  const path = join(tmp.dir, "pragmas.db");
  (await openSqlite(path, { init: true })).closeSync();
  using db = await openSqlite(path);
  assert.equal(_pragma(db, "journal_mode"), "wal");
  assert.equal(Number(_pragma(db, "synchronous")), 2);
  assert.equal(Number(_pragma(db, "foreign_keys")), 1);
  assert.equal(Number(db.getSync("PRAGMA busy_timeout")?.["timeout"]), BUSY_TIMEOUT_MS);
});

Deno.test("compareVersions() orders dotted versions numerically", () => {
  assert.equal(compareVersions("3.51.3", "3.51.3"), 0);
  assert.equal(compareVersions("3.51.2", "3.51.3"), -1);
  assert.equal(compareVersions("3.53.2", "3.51.3"), 1);
  assert.equal(compareVersions("3.9.0", "3.10.0"), -1);
  assert.equal(compareVersions("3.51", "3.51.0"), 0);
  assert.equal(compareVersions("3.51.3.1", "3.51.3"), 1);
  assert.equal(compareVersions("4", "3.99.99"), 1);
});

Deno.test("the SQLite migrations end at the schema version every backend shares", () => {
  assert.equal(MIGRATIONS[MIGRATIONS.length - 1]?.id, LATEST_SCHEMA_VERSION);
  assert.deepEqual(MIGRATIONS.map((m) => m.id), MIGRATIONS.map((_, i) => i + 1));
});
