import assert from "node:assert/strict";
import { join } from "node:path";
import { inbox, ok } from "../../tests/_cli.ts";
import { openSqlite } from "./sqlite/open_sqlite.ts";
import { FileSignal, sqliteChanges } from "./sqlite/sqlite_changes.ts";
import { WAKE_SUFFIX } from "./sqlite/wake_file.ts";
import type { SqliteDb } from "./sqlite/sqlite_db.ts";
import { waitUntil } from "./wait_until.ts";

/** Effectively never: a wait that relied on polling would time out first. */
const NEVER_MS = 600_000;

async function _db(): Promise<{ path: string } & AsyncDisposable> {
  const dir = await Deno.makeTempDir({ prefix: "wait-until-test-" });
  const path = join(dir, "coord.db");
  await ok(inbox(path, "init"));
  return { path, [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }) };
}

function _threads(db: SqliteDb): number | undefined {
  const n = Number(db.getSync("SELECT COUNT(*) AS n FROM threads")?.["n"]);
  return n > 0 ? n : undefined;
}

Deno.test("waitUntil(): wakes on the wake file's notification, sent after the commit is visible, with polling out of the way", async () => {
  await using env = await _db();
  const db = await openSqlite(env.path);
  const giveUp = new AbortController();
  try {
    // Neither polling nor the timeout can end this wait: only a notification can.
    const feed = sqliteChanges(db, { pollMs: NEVER_MS, fallbackPollMs: NEVER_MS });
    const waiting = waitUntil(db, () => Promise.resolve(_threads(db)), {
      timeoutMs: NEVER_MS,
      recheckMs: NEVER_MS,
      abort: giveUp.signal,
      feed,
    });
    // Another process commits while this one waits. Its notification must come after the
    // commit is visible: a waiter woken earlier sees no change and, with polling out of the
    // way, would sleep past the deadline.
    await ok(inbox(env.path, "send", "--from", "a", "--to", "b", "--subject", "s", "--body", "x"));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<"deadline">((resolve) => {
      timer = setTimeout(() => resolve("deadline"), 30_000);
    });
    const first = await Promise.race([waiting, deadline]);
    clearTimeout(timer);
    if (first === "deadline") {
      giveUp.abort();
      await waiting;
    }
    assert.equal(first, 1, "the commit of another process did not wake the waiter");
    await feed.close();
  } finally {
    db.closeSync();
  }
});

Deno.test("waitUntil(): without notifications (watch: false) it polls data_version", async () => {
  await using env = await _db();
  const db = await openSqlite(env.path);
  try {
    const feed = sqliteChanges(db, { watch: false });
    const waiting = waitUntil(db, () => Promise.resolve(_threads(db)), { timeoutMs: 30_000, feed });
    await ok(inbox(env.path, "send", "--from", "a", "--to", "b", "--subject", "s", "--body", "x"));
    assert.equal(await waiting, 1);
    // And it gives up at the deadline with undefined.
    assert.equal(
      await waitUntil(db, () => Promise.resolve(undefined), { timeoutMs: 50, feed }),
      undefined,
    );
    await feed.close();
  } finally {
    db.closeSync();
  }
});

Deno.test("FileSignal: counts changes to the database's wake file, and creates it", async () => {
  await using env = await _db();
  await Deno.remove(env.path + WAKE_SUFFIX).catch(() => undefined);
  const db = await openSqlite(env.path);
  const signal = FileSignal.open(env.path);
  assert.ok(signal, "no file-change notifications on this system");
  try {
    const seen = signal.count;
    await Deno.writeTextFile(join(env.path, "..", "unrelated.txt"), "x");
    await ok(inbox(env.path, "send", "--from", "a", "--to", "b", "--subject", "s", "--body", "x"));
    await signal.next(seen, 30_000);
    assert.ok(signal.count > seen);
    assert.ok((await Deno.stat(env.path + WAKE_SUFFIX)).isFile);
    assert.equal(FileSignal.open(":memory:"), undefined);
  } finally {
    signal.close();
    db.closeSync();
  }
});
