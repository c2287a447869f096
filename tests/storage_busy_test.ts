/**
 * STORAGE_BUSY after the retries (issue 12 item 2): a writer that cannot get
 * the write lock retries a bounded number of times, then fails with
 * STORAGE_BUSY (exit 6) and writes nothing. Slow on purpose: every attempt
 * waits the full busy timeout (src/storage/sqlite/open_sqlite.ts) for the lock.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { inbox, ok, SQLITE_ONLY, tempDb } from "./_cli.ts";
import { dumpDb } from "./_db.ts";
import { assertError, type Json } from "./_orch.ts";

/** Retries after the first attempt (src/storage/sqlite/sqlite_db.ts `WRITE_RETRIES`), reported in the error details. */
const WRITE_RETRIES = 8;

// SQLite's write lock held by another connection; PostgreSQL's writer lock is tested in
// src/storage/postgres/pg_db_test.ts.
Deno.test({
  name:
    "a write blocked by another writer for good is STORAGE_BUSY after the retries, and writes nothing",
  ignore: SQLITE_ONLY,
}, async () => {
  await using env = await tempDb();
  await ok(inbox(env.db, "send", "--from", "lead", "--to", "w", "--subject", "s", "--body", "b"));
  const before = await dumpDb(env.db);
  const holder = new DatabaseSync(env.db);
  holder.exec("BEGIN IMMEDIATE");
  let r;
  try {
    r = await inbox(env.db, "send", "--from", "lead", "--to", "w", "--subject", "t", "--body", "c");
  } finally {
    holder.exec("ROLLBACK");
    holder.close();
  }
  assertError(r, "STORAGE_BUSY", 6);
  assert.equal(r.json.error!.message, "The database stayed locked by another writer");
  const details = (r.json.error as unknown as Json)["details"] as Json | undefined;
  assert.equal(details?.["retries"], WRITE_RETRIES, r.stdout);
  assert.deepEqual(await dumpDb(env.db), before);
  // The lock gone, the same command goes through.
  await ok(inbox(env.db, "send", "--from", "lead", "--to", "w", "--subject", "t", "--body", "c"));
});
