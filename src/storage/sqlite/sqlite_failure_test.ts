import assert from "node:assert/strict";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { AppError } from "../../protocol/errors.ts";
import { isSqliteBusy } from "./sqlite_busy.ts";
import { SqliteDb } from "./sqlite_db.ts";
import {
  SQLITE_CODE,
  sqliteFailure,
  sqliteFailureReason,
  sqliteResultCode,
} from "./sqlite_failure.ts";
import { thrown } from "../../protocol/_thrown.ts";

async function _tempDir(): Promise<{ dir: string } & AsyncDisposable> {
  const dir = await Deno.makeTempDir({ prefix: "sqlite-failure-test-" });
  return {
    dir,
    async [Symbol.asyncDispose]() {
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/**
 * Real SQLite errors, each from a prepared statement (node:sqlite gives its
 * `errcode`) and from `exec` (no `errcode`: the message decides).
 */
function _both(db: DatabaseSync, sql: string) {
  return { prepared: thrown(() => db.prepare(sql).run()), exec: thrown(() => db.exec(sql)) };
}

/** A database whose data pages are overwritten with junk (its header left intact). */
function _corrupt(path: string): void {
  const db = new DatabaseSync(path);
  db.exec("CREATE TABLE t (x TEXT)");
  const insert = db.prepare("INSERT INTO t VALUES (?)");
  for (let i = 0; i < 500; i++) insert.run(`${"x".repeat(200)}${i}`);
  db.close();
  const bytes = Deno.readFileSync(path);
  for (let i = 4096 + 100; i < bytes.length; i += 7) bytes[i] = 0xff;
  Deno.writeFileSync(path, bytes);
}

Deno.test("sqliteFailureReason(): a full database (SQLITE_FULL) is disk_full, with or without errcode", async () => {
  await using t = await _tempDir();
  const db = new DatabaseSync(join(t.dir, "full.db"));
  db.exec("CREATE TABLE t (x BLOB); PRAGMA max_page_count = 3");
  const e = _both(db, "INSERT INTO t VALUES (randomblob(20000))");
  db.close();
  assert.equal(e.prepared.errcode, SQLITE_CODE.FULL);
  assert.equal(e.exec.errcode, undefined);
  assert.equal(sqliteFailureReason(e.prepared), "disk_full");
  assert.equal(sqliteFailureReason(e.exec), "disk_full");
});

Deno.test("sqliteFailureReason(): a write to a read-only database (SQLITE_READONLY) is read_only", async () => {
  await using t = await _tempDir();
  const path = join(t.dir, "ro.db");
  new DatabaseSync(path).exec("CREATE TABLE t (x INTEGER)");
  const db = new DatabaseSync(path, { readOnly: true });
  const e = _both(db, "INSERT INTO t VALUES (1)");
  db.close();
  assert.equal(e.prepared.errcode, SQLITE_CODE.READONLY);
  assert.equal(sqliteFailureReason(e.prepared), "read_only");
  assert.equal(sqliteFailureReason(e.exec), "read_only");
});

Deno.test("sqliteFailureReason(): an extended code counts by its primary code (READONLY_DBMOVED)", async () => {
  await using t = await _tempDir();
  const path = join(t.dir, "moved.db");
  const db = new DatabaseSync(path);
  db.exec("CREATE TABLE t (x INTEGER)");
  await Deno.remove(path);
  const e = _both(db, "INSERT INTO t VALUES (1)");
  db.close();
  assert.equal(e.prepared.errcode, 1032, "SQLITE_READONLY_DBMOVED");
  assert.equal(sqliteResultCode(e.prepared), SQLITE_CODE.READONLY);
  assert.equal(sqliteFailureReason(e.prepared), "read_only");
  assert.equal(sqliteFailureReason(e.exec), "read_only");
});

Deno.test("sqliteFailureReason(): a damaged file (SQLITE_CORRUPT) is corrupt", async () => {
  await using t = await _tempDir();
  const path = join(t.dir, "damaged.db");
  _corrupt(path);
  const db = new DatabaseSync(path);
  const e = _both(db, "UPDATE t SET x = x || 'y'");
  db.close();
  assert.equal(e.prepared.errcode, SQLITE_CODE.CORRUPT);
  assert.equal(sqliteFailureReason(e.prepared), "corrupt");
  assert.equal(sqliteFailureReason(e.exec), "corrupt");
});

Deno.test("sqliteFailureReason(): a file that is not a database (SQLITE_NOTADB) is not_a_database", async () => {
  await using t = await _tempDir();
  const path = join(t.dir, "notes.db");
  await Deno.writeTextFile(path, "hello, not sqlite\n".repeat(100));
  const db = new DatabaseSync(path);
  const e = _both(db, "SELECT * FROM sqlite_master");
  db.close();
  assert.equal(e.prepared.errcode, SQLITE_CODE.NOTADB);
  assert.equal(sqliteFailureReason(e.prepared), "not_a_database");
  assert.equal(sqliteFailureReason(e.exec), "not_a_database");
});

Deno.test("sqliteFailureReason(): a file that cannot be opened (SQLITE_CANTOPEN) is cannot_open, also when opening", async () => {
  await using t = await _tempDir();
  const path = join(t.dir, "wal.db");
  const setup = new DatabaseSync(path);
  setup.exec("PRAGMA journal_mode = WAL; CREATE TABLE t (x INTEGER)");
  setup.close();
  // Where SQLite must create its -wal file stands a directory.
  await Deno.mkdir(`${path}-wal`);
  const db = new DatabaseSync(path);
  const e = _both(db, "INSERT INTO t VALUES (1)");
  db.close();
  assert.equal(e.prepared.errcode, SQLITE_CODE.CANTOPEN, e.prepared.message);
  assert.equal(sqliteFailureReason(e.prepared), "cannot_open");
  assert.equal(sqliteFailureReason(e.exec), "cannot_open");
  // Opening gives no errcode either; its message ends with the path.
  const opening = thrown(() => new DatabaseSync(join(t.dir, "no", "such", "dir", "x.db")));
  assert.equal(opening.errcode, undefined);
  assert.equal(sqliteFailureReason(opening), "cannot_open");
});

Deno.test("sqliteResultCode(): extended I/O error codes count as SQLITE_IOERR (io_error)", () => {
  // No real I/O error can be made on purpose here: node:sqlite's shape with
  // SQLITE_IOERR_WRITE (10 | 3 << 8) and SQLITE_IOERR_FSYNC (10 | 4 << 8).
  for (const errcode of [SQLITE_CODE.IOERR, 778, 1034]) {
    const err = Object.assign(new Error("disk I/O error"), { code: "ERR_SQLITE_ERROR", errcode });
    assert.equal(sqliteResultCode(err), SQLITE_CODE.IOERR);
    assert.equal(sqliteFailureReason(err), "io_error");
  }
  const exec = Object.assign(new Error("disk I/O error"), { code: "ERR_SQLITE_ERROR" });
  assert.equal(sqliteFailureReason(exec), "io_error");
});

Deno.test("sqliteFailureReason(): other SQLite errors and look-alikes are no storage failure", async () => {
  await using t = await _tempDir();
  const db = new DatabaseSync(join(t.dir, "ok.db"));
  db.exec("CREATE TABLE u (x UNIQUE); INSERT INTO u VALUES (1)");
  const e = _both(db, "INSERT INTO u VALUES (1)");
  db.close();
  assert.equal(sqliteFailureReason(e.prepared), undefined, "a constraint");
  assert.equal(sqliteFailureReason(e.exec), undefined);
  // SQLite's words outside a node:sqlite error decide nothing.
  assert.equal(sqliteFailureReason(new Error("database or disk is full")), undefined);
  assert.equal(sqliteFailureReason("file is not a database"), undefined);
  assert.equal(sqliteFailureReason(null), undefined);
  // The code wins over the words.
  const worded = Object.assign(new Error("database or disk is full"), {
    code: "ERR_SQLITE_ERROR",
    errcode: 19,
  });
  assert.equal(sqliteFailureReason(worded), undefined);
});

Deno.test("sqliteFailure(): STORAGE_ERROR with the path, the reason and advice; busy and others unchanged", async () => {
  await using t = await _tempDir();
  const path = join(t.dir, "full.db");
  const raw = new DatabaseSync(path);
  raw.exec("CREATE TABLE t (x BLOB); PRAGMA max_page_count = 3");
  const full = thrown(() => raw.prepare("INSERT INTO t VALUES (randomblob(20000))").run());
  const missing = thrown(() => raw.prepare("SELECT * FROM nope").get());
  const syntax = thrown(() => raw.prepare("SELEC 1"));
  raw.close();

  const e = sqliteFailure(full, path);
  assert.ok(e instanceof AppError);
  assert.equal(e.code, "STORAGE_ERROR");
  assert.equal(e.exitCode, 6);
  assert.deepEqual(e.details, { db: path, reason: "disk_full" });
  assert.equal(
    e.message,
    `Database "${path}": The disk is full: free some space and retry (database or disk is full)`,
  );
  assert.equal(e.cause, full);

  const m = sqliteFailure(missing, path);
  assert.ok(m instanceof AppError);
  assert.equal(m.code, "STORAGE_ERROR");
  assert.deepEqual(m.details, { db: path });
  assert.match(m.message, /lacks a table .*\(no such table: nope\)$/);

  assert.equal(sqliteFailure(syntax, path), syntax);
  const busy = Object.assign(new Error("database is locked"), { code: "ERR_SQLITE_ERROR" });
  assert.ok(isSqliteBusy(busy));
  assert.equal(sqliteFailure(busy, path), busy, "busy is sqlite_busy.ts's");
  const app = new AppError("USAGE", "x");
  assert.equal(sqliteFailure(app, path), app);
  assert.equal(sqliteFailure(null, path), null);
  assert.equal(sqliteFailure("no such table: x", path), "no such table: x");
});

Deno.test("SqliteDb: statements, exec and transactions report storage failures as STORAGE_ERROR", async () => {
  await using t = await _tempDir();
  const path = join(t.dir, "full.db");
  const raw = new DatabaseSync(path);
  raw.exec("CREATE TABLE t (x BLOB); PRAGMA max_page_count = 3");
  using db = new SqliteDb(raw, path);
  const isFull = (err: unknown) =>
    err instanceof AppError && err.code === "STORAGE_ERROR" &&
    err.details["reason"] === "disk_full";
  await assert.rejects(db.run("INSERT INTO t VALUES (randomblob(20000))"), isFull);
  assert.throws(() => db.execSync("INSERT INTO t VALUES (randomblob(20000))"), isFull);
  await assert.rejects(
    db.write((tx) => tx.run("INSERT INTO t VALUES (randomblob(20000))")),
    isFull,
  );
  assert.equal(raw.isTransaction, false, "rolled back");
  assert.equal((await db.get<{ n: number }>("SELECT count(*) AS n FROM t"))?.n, 0);
});
