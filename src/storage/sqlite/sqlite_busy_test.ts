import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { AppError } from "../../protocol/errors.ts";
import { busyFailure, isSqliteBusy } from "./sqlite_busy.ts";
import { SqliteDb } from "./sqlite_db.ts";
import { thrown } from "../../protocol/_thrown.ts";

/** Two connections to one WAL file: `holder` and `other` (which never waits for a lock). */
async function _pair() {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "busy.db");
  const holder = new DatabaseSync(path);
  holder.exec("PRAGMA journal_mode = WAL; CREATE TABLE t (x INTEGER)");
  const other = new DatabaseSync(path, { timeout: 0 });
  return {
    path,
    holder,
    other,
    async [Symbol.asyncDispose]() {
      for (const db of [holder, other]) if (db.isOpen) db.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

Deno.test("isSqliteBusy(): a statement blocked by another writer is busy (its errcode)", async () => {
  await using p = await _pair();
  p.holder.exec("BEGIN IMMEDIATE");
  const err = thrown(() => p.other.prepare("INSERT INTO t VALUES (1)").run());
  assert.equal(err.errcode, 5);
  assert.ok(isSqliteBusy(err));
});

Deno.test("isSqliteBusy(): a stale read snapshot that tries to write is busy (BUSY_SNAPSHOT)", async () => {
  await using p = await _pair();
  p.other.exec("BEGIN");
  p.other.prepare("SELECT * FROM t").all();
  p.holder.exec("INSERT INTO t VALUES (1)");
  const err = thrown(() => p.other.prepare("INSERT INTO t VALUES (2)").run());
  p.other.exec("ROLLBACK");
  assert.equal(err.errcode, 517);
  assert.ok(isSqliteBusy(err));
});

Deno.test("isSqliteBusy(): exec errors carry no errcode: SQLite's busy text decides", async () => {
  await using p = await _pair();
  p.holder.exec("BEGIN IMMEDIATE");
  const err = thrown(() => p.other.exec("BEGIN IMMEDIATE"));
  assert.equal(err.errcode, undefined);
  assert.ok(isSqliteBusy(err));
});

Deno.test("isSqliteBusy(): other SQLite errors and look-alike errors are not busy", async () => {
  await using p = await _pair();
  assert.ok(!isSqliteBusy(thrown(() => p.other.prepare("INSERT INTO nope VALUES (1)"))));
  assert.ok(!isSqliteBusy(thrown(() => p.other.exec("SELEC 1"))));
  assert.ok(!isSqliteBusy(new Error("database is locked")));
  assert.ok(!isSqliteBusy(new AppError("STORAGE_BUSY", "database is locked")));
  assert.ok(!isSqliteBusy("database is locked"));
  assert.ok(!isSqliteBusy(null));
});

Deno.test("busyFailure(): busy becomes STORAGE_BUSY with SQLite's reason; anything else is unchanged", () => {
  const other = new Error("x");
  assert.equal(busyFailure(other), other);
  const busy = Object.assign(new Error("database is locked"), { code: "ERR_SQLITE_ERROR" });
  const e = busyFailure(busy);
  assert.ok(e instanceof AppError);
  assert.equal(e.code, "STORAGE_BUSY");
  assert.equal(e.message, "The database stayed busy: database is locked");
  assert.equal(e.cause, busy);
});

Deno.test("SqliteDb: a statement outside a transaction that meets a lock is STORAGE_BUSY", async () => {
  await using p = await _pair();
  const db = new SqliteDb(p.other, p.path);
  p.holder.exec("BEGIN IMMEDIATE");
  await assert.rejects(
    db.run("INSERT INTO t VALUES (1)"),
    (err) => err instanceof AppError && err.code === "STORAGE_BUSY",
  );
  p.holder.exec("ROLLBACK");
  assert.equal((await db.run("INSERT INTO t VALUES (1)")).changes, 1);
});
