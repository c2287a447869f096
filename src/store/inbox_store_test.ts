import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { join } from "node:path";
import type { Db } from "../db/db.ts";
import { openDb } from "../db/open_db.ts";
import { AppError, type ErrorCode } from "../protocol/errors.ts";
import type { Clock } from "./clock.ts";
import { InboxStore } from "./inbox_store.ts";

/** A clock the test moves by hand. */
class FakeClock implements Clock {
  #ms: number;
  constructor(start = Date.parse("2030-01-01T00:00:00.000Z")) {
    this.#ms = start;
  }
  now(): Date {
    return new Date(this.#ms);
  }
  advance(seconds: number): void {
    this.#ms += seconds * 1000;
  }
}

interface Fixture extends AsyncDisposable {
  db: Db;
  store: InboxStore;
  clock: FakeClock;
}

async function _fixture(): Promise<Fixture> {
  const dir = await Deno.makeTempDir({ prefix: "inbox-store-test-" });
  const db = openDb(join(dir, "coord.db"), { init: true });
  const clock = new FakeClock();
  return {
    db,
    store: new InboxStore(db, clock),
    clock,
    async [Symbol.asyncDispose]() {
      db.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

function _count(db: Db, sql: string, ...params: (string | number)[]): number {
  return Number(Object.values(db.get(sql, ...params) ?? {})[0] ?? 0);
}

const _TABLES = ["threads", "messages", "events", "artifacts", "read_cursors"] as const;

function _counts(db: Db): Record<typeof _TABLES[number], number> {
  const entries = _TABLES.map((t) => [t, _count(db, `SELECT COUNT(*) FROM ${t}`)]);
  return Object.fromEntries(entries) as Record<typeof _TABLES[number], number>;
}

function _eventTypes(db: Db, threadId: number): string[] {
  return db.all<{ type: string }>(
    "SELECT type FROM events WHERE thread_id = ? ORDER BY id",
    threadId,
  ).map((r) => r.type);
}

function _throwsCode(fn: () => unknown, code: ErrorCode): AppError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof AppError, `expected ${code}, got ${caught}`);
  assert.equal(caught.code, code, caught.message);
  return caught;
}

function _send(store: InboxStore, to = "w", subject = "job") {
  return store.sendThread({ from: "lead", to, subject, body: "do it" });
}

Deno.test("InboxStore.sendThread() creates an open thread, its task message and one event", async () => {
  await using f = await _fixture();
  const r = _send(f.store);
  assert.equal(r.thread.status, "open");
  assert.equal(r.thread.lease_epoch, 0);
  assert.equal(r.thread.created_at, "2030-01-01T00:00:00.000Z");
  assert.equal(r.message.type, "task");
  assert.equal(r.message.to_agent, "w");
  assert.equal(r.replayed, false);
  assert.deepEqual(_eventTypes(f.db, r.thread.id), ["thread_created"]);
  assert.deepEqual(_counts(f.db), {
    threads: 1,
    messages: 1,
    events: 1,
    artifacts: 0,
    read_cursors: 0,
  });
});

Deno.test("InboxStore walks a thread open -> claimed -> in_progress -> blocked -> in_progress -> verifying -> done", async () => {
  await using f = await _fixture();
  const id = _send(f.store).thread.id;
  const ref = { agent: "w", threadId: id };

  const claimed = f.store.claimThread("w", { leaseSeconds: 60 });
  assert.equal(claimed.thread.id, id);
  assert.equal(claimed.thread.status, "claimed");
  assert.equal(claimed.thread.claimed_by, "w");
  assert.equal(claimed.thread.lease_epoch, 1);
  assert.equal(claimed.thread.lease_expires_at, "2030-01-01T00:01:00.000Z");

  f.clock.advance(10);
  const progress = f.store.updateThread(ref, { progress: 30, body: "a third" });
  assert.equal(progress.thread.status, "in_progress");
  assert.equal(progress.thread.progress, 30);
  assert.equal(progress.message?.type, "progress");
  // Progress extends the lease by its length from now.
  assert.equal(progress.thread.lease_expires_at, "2030-01-01T00:01:10.000Z");

  const blocked = f.store.updateThread(ref, { status: "blocked", body: "which branch?" });
  assert.equal(blocked.thread.status, "blocked");
  assert.equal(blocked.message?.type, "question");
  assert.equal(blocked.message?.to_agent, "lead");

  const answer = f.store.replyThread("lead", id, { body: "main" });
  assert.equal(answer.thread.status, "in_progress");
  assert.equal(answer.message?.type, "reply");
  assert.equal(f.store.findReply(id, "w", blocked.message!.id)?.id, answer.message?.id);

  const verifying = f.store.updateThread(ref, { status: "verifying" });
  assert.equal(verifying.thread.status, "verifying");
  assert.equal(verifying.message, null);

  const done = f.store.completeThread({ ...ref, body: "shipped", payload: { ok: 1 } });
  assert.equal(done.thread.status, "done");
  assert.equal(done.thread.progress, 100);
  assert.equal(done.thread.lease_expires_at, null);
  assert.equal(done.message?.type, "result");
  assert.deepEqual(done.message?.payload, { ok: 1 });

  assert.deepEqual(_eventTypes(f.db, id), [
    "thread_created",
    "thread_claimed",
    "thread_in_progress",
    "thread_blocked",
    "thread_replied",
    "thread_verifying",
    "thread_done",
  ]);
  const shown = f.store.showThread(id);
  assert.deepEqual(shown.messages.map((m) => m.type), [
    "task",
    "progress",
    "question",
    "reply",
    "result",
  ]);
});

Deno.test("InboxStore.failThread() and cancelThread() end a thread; final threads refuse more writes", async () => {
  await using f = await _fixture();
  const a = _send(f.store, "w", "a").thread.id;
  f.store.claimThread("w", { threadId: a });
  const failed = f.store.failThread({ agent: "w", threadId: a, body: "no disk" });
  assert.equal(failed.thread.status, "failed");
  assert.equal(failed.message?.type, "failure");
  _throwsCode(
    () => f.store.updateThread({ agent: "w", threadId: a }, { progress: 5 }),
    "THREAD_CLOSED",
  );
  _throwsCode(() => f.store.replyThread("lead", a, { body: "hi" }), "THREAD_CLOSED");
  _throwsCode(() => f.store.cancelThread("lead", a), "THREAD_CLOSED");
  _throwsCode(() => f.store.claimThread("w", { threadId: a }), "THREAD_CLOSED");

  const b = _send(f.store, "w", "b").thread.id;
  const cancelled = f.store.cancelThread("lead", b, "not needed");
  assert.equal(cancelled.thread.status, "cancelled");
  assert.equal(cancelled.message?.type, "cancel");
  _throwsCode(() => f.store.claimThread("w", { threadId: b }), "CANCELLED");
  _throwsCode(() => f.store.completeThread({ agent: "w", threadId: b }), "CANCELLED");
  _throwsCode(() => f.store.claimThread("w"), "NO_CLAIMABLE_THREAD");

  // A claimed thread can be cancelled too, and the holder then gets CANCELLED.
  const c = _send(f.store, "w", "c").thread.id;
  f.store.claimThread("w", { threadId: c });
  f.store.cancelThread("lead", c);
  _throwsCode(
    () => f.store.updateThread({ agent: "w", threadId: c }, { progress: 1 }),
    "CANCELLED",
  );
  assert.equal(f.store.getThread(c).lease_expires_at, null);
});

Deno.test("InboxStore refuses done before claim, strangers and second claimers", async () => {
  await using f = await _fixture();
  const id = _send(f.store).thread.id;
  const before = _counts(f.db);
  _throwsCode(() => f.store.completeThread({ agent: "w", threadId: id }), "INVALID_STATE");
  _throwsCode(() => f.store.claimThread("x", { threadId: id }), "NOT_PARTICIPANT");
  _throwsCode(() => f.store.replyThread("x", id, { body: "hi" }), "NOT_PARTICIPANT");
  _throwsCode(() => f.store.cancelThread("x", id), "NOT_PARTICIPANT");
  _throwsCode(() => f.store.getThread(999), "THREAD_NOT_FOUND");
  assert.deepEqual(_counts(f.db), before);

  f.store.claimThread("w", { threadId: id, leaseSeconds: 60 });
  // The same holder claiming again only extends its lease: same epoch.
  f.clock.advance(30);
  const again = f.store.claimThread("w", { threadId: id, leaseSeconds: 60 });
  assert.equal(again.thread.lease_epoch, 1);
  assert.equal(again.reclaimed, true);
  assert.equal(again.thread.lease_expires_at, "2030-01-01T00:01:30.000Z");
  _throwsCode(() => f.store.claimThread("w"), "NO_CLAIMABLE_THREAD");
  _throwsCode(() => f.store.claimThread("x", { threadId: id }), "ALREADY_CLAIMED");
  _throwsCode(
    () => f.store.updateThread({ agent: "x", threadId: id }, { progress: 1 }),
    "LEASE_LOST",
  );
});

Deno.test("InboxStore fences an expired lease: another agent takes over with a new epoch, the old holder gets LEASE_LOST", async () => {
  await using f = await _fixture();
  const id = _send(f.store, "a").thread.id;
  const first = f.store.claimThread("a", { leaseSeconds: 60 });
  assert.equal(first.thread.lease_epoch, 1);
  const a = { agent: "a", threadId: id };
  f.store.updateThread(a, { progress: 10, body: "started" });

  // While the lease is live nobody else can take the thread.
  const live = _counts(f.db);
  _throwsCode(() => f.store.claimThread("b", { threadId: id }), "ALREADY_CLAIMED");
  _throwsCode(() => f.store.claimThread("b"), "NO_CLAIMABLE_THREAD");
  assert.deepEqual(_counts(f.db), live);

  // The lease runs out: the holder's own writes stop working before anyone reclaims.
  f.clock.advance(61);
  const expired = _counts(f.db);
  _throwsCode(() => f.store.updateThread(a, { progress: 20, body: "late" }), "LEASE_LOST");
  _throwsCode(() => f.store.renewLease(a), "LEASE_LOST");
  _throwsCode(() => f.store.completeThread({ ...a, body: "late" }), "LEASE_LOST");
  assert.deepEqual(_counts(f.db), expired);

  const second = f.store.claimThread("b", { threadId: id, leaseSeconds: 60 });
  assert.equal(second.thread.claimed_by, "b");
  assert.equal(second.thread.lease_epoch, 2);
  assert.equal(second.previous_holder, "a");
  assert.equal(second.reclaimed, false);

  const reclaimed = _counts(f.db);
  _throwsCode(() => f.store.updateThread(a, { progress: 90, body: "stale" }), "LEASE_LOST");
  _throwsCode(() => f.store.completeThread({ ...a, body: "stale" }), "LEASE_LOST");
  _throwsCode(() => f.store.failThread({ ...a, body: "stale" }), "LEASE_LOST");
  _throwsCode(() => f.store.renewLease(a, 600), "LEASE_LOST");
  _throwsCode(() => f.store.claimThread("a", { threadId: id }), "ALREADY_CLAIMED");
  assert.deepEqual(_counts(f.db), reclaimed);
  assert.equal(f.store.getThread(id).progress, 10);
  assert.equal(
    _count(
      f.db,
      "SELECT COUNT(*) FROM messages WHERE thread_id = ? AND body IN ('late', 'stale')",
      id,
    ),
    0,
  );

  // The new holder's messages reach the sender, and the sender's reach the new holder.
  const q = f.store.updateThread({ agent: "b", threadId: id }, { status: "blocked", body: "?" });
  assert.equal(q.message?.to_agent, "lead");
  const answer = f.store.replyThread("lead", id, { body: "!" });
  assert.equal(answer.message?.to_agent, "b");
  const done = f.store.completeThread({ agent: "b", threadId: id, leaseEpoch: 2, body: "done" });
  assert.equal(done.thread.status, "done");
  assert.equal(done.message?.to_agent, "lead");
  const claims = f.db.all<{ payload: string }>(
    "SELECT payload FROM events WHERE thread_id = ? AND type = 'thread_claimed' ORDER BY id",
    id,
  ).map((r) => JSON.parse(r.payload));
  assert.deepEqual(claims.map((p) => [p.agent, p.lease_epoch, p.previous_holder]), [
    ["a", 1, null],
    ["b", 2, "a"],
  ]);
});

Deno.test("InboxStore fences workers sharing a name by lease epoch", async () => {
  await using f = await _fixture();
  const id = _send(f.store, "w").thread.id;
  assert.equal(f.store.claimThread("w", { leaseSeconds: 60 }).thread.lease_epoch, 1);
  f.clock.advance(61);
  // Another process of the pool claims the oldest claimable thread: the expired one.
  const second = f.store.claimThread("w", { leaseSeconds: 60 });
  assert.equal(second.thread.id, id);
  assert.equal(second.thread.lease_epoch, 2);
  const before = _counts(f.db);
  const stale = { agent: "w", threadId: id, leaseEpoch: 1 };
  _throwsCode(() => f.store.updateThread(stale, { progress: 5, body: "stale" }), "LEASE_LOST");
  _throwsCode(() => f.store.completeThread(stale), "LEASE_LOST");
  _throwsCode(() => f.store.renewLease(stale), "LEASE_LOST");
  assert.deepEqual(_counts(f.db), before);
  const done = f.store.completeThread({ ...stale, leaseEpoch: 2 });
  assert.equal(done.thread.status, "done");
});

Deno.test("InboxStore.renewLease() extends a live lease and keeps the epoch", async () => {
  await using f = await _fixture();
  const id = _send(f.store).thread.id;
  f.store.claimThread("w", { leaseSeconds: 60 });
  f.clock.advance(50);
  const r = f.store.renewLease({ agent: "w", threadId: id }, 120);
  assert.equal(r.thread.lease_epoch, 1);
  assert.equal(r.thread.lease_expires_at, "2030-01-01T00:02:50.000Z");
  f.clock.advance(100);
  // Still live thanks to the renewal: nobody can reclaim it.
  _throwsCode(() => f.store.claimThread("w"), "NO_CLAIMABLE_THREAD");
  assert.deepEqual(_eventTypes(f.db, id), ["thread_created", "thread_claimed", "lease_renewed"]);
});

Deno.test("InboxStore.sendThread() with an idempotency key returns the first thread on a repeat", async () => {
  await using f = await _fixture();
  const input = { from: "lead", to: "w", subject: "once", body: "x", idempotencyKey: "k1" };
  const first = f.store.sendThread(input);
  const counts = _counts(f.db);
  f.clock.advance(5);
  const again = f.store.sendThread({ ...input, body: "different body is ignored" });
  assert.equal(again.replayed, true);
  assert.equal(again.thread.id, first.thread.id);
  assert.equal(again.message.id, first.message.id);
  assert.equal(again.message.body, "x");
  assert.deepEqual(_counts(f.db), counts);

  _throwsCode(() => f.store.sendThread({ ...input, subject: "other" }), "IDEMPOTENCY_CONFLICT");
  assert.deepEqual(_counts(f.db), counts);
  const other = f.store.sendThread({ ...input, idempotencyKey: "k2" });
  assert.notEqual(other.thread.id, first.thread.id);
});

Deno.test("InboxStore.fetchMessages() advances a per-agent cursor unless peeking", async () => {
  await using f = await _fixture();
  const t1 = _send(f.store, "w").thread.id;
  _send(f.store, "v");
  f.store.replyThread("lead", t1, { body: "more" });

  const peek = f.store.fetchMessages("w", { peek: true });
  assert.equal(peek.messages.length, 2);
  assert.equal(peek.cursor, 0);
  const first = f.store.fetchMessages("w", { limit: 1 });
  assert.deepEqual(first.messages.map((m) => m.body), ["do it"]);
  const second = f.store.fetchMessages("w");
  assert.deepEqual(second.messages.map((m) => m.body), ["more"]);
  assert.equal(second.previous_cursor, first.cursor);
  assert.equal(f.store.fetchMessages("w").messages.length, 0);
  // v's cursor is its own.
  assert.equal(f.store.fetchMessages("v").messages.length, 1);
  assert.equal(f.store.fetchMessages("lead").messages.length, 0);
  assert.equal(
    _count(f.db, "SELECT last_message_id FROM read_cursors WHERE agent = 'w'"),
    second.cursor,
  );
});

Deno.test("InboxStore keeps artifacts with their sha256 and verifies them on read", async () => {
  await using f = await _fixture();
  const bytes = new TextEncoder().encode("report body\n");
  const sent = f.store.sendThread({
    from: "lead",
    to: "w",
    subject: "with file",
    body: "see file",
    artifacts: [{ name: "spec.md", mediaType: "text/markdown", bytes }],
  });
  const meta = sent.artifacts[0]!;
  const expected = createHash("sha256").update(bytes).digest("hex");
  assert.equal(meta.sha256, expected);
  assert.equal(meta.size, bytes.byteLength);
  assert.equal(meta.message_id, sent.message.id);
  const got = f.store.getArtifact(meta.id);
  assert.deepEqual(got.content, bytes);
  assert.deepEqual(got.artifact, meta);
  assert.deepEqual(_eventTypes(f.db, sent.thread.id), ["thread_created", "artifact_added"]);
  assert.deepEqual(f.store.showThread(sent.thread.id).messages[0]?.artifacts, [meta]);

  // Same length, other bytes: only the sha256 can tell (the size check cannot).
  const tampered = bytes.slice();
  tampered[0] = tampered[0]! ^ 0xff;
  assert.equal(tampered.byteLength, meta.size);
  f.db.run("UPDATE artifacts SET content = ? WHERE id = ?", tampered, meta.id);
  _throwsCode(() => f.store.getArtifact(meta.id), "ARTIFACT_CORRUPT");
  // A different length is caught too.
  f.db.run("UPDATE artifacts SET content = ? WHERE id = ?", bytes.slice(1), meta.id);
  _throwsCode(() => f.store.getArtifact(meta.id), "ARTIFACT_CORRUPT");
  _throwsCode(() => f.store.getArtifact(meta.id + 1), "ARTIFACT_NOT_FOUND");
});

Deno.test("InboxStore appends each change's events in the change's own transaction", async () => {
  await using f = await _fixture();
  const id = _send(f.store).thread.id;
  f.store.claimThread("w");
  const before = _counts(f.db);
  // A failure later in the same transaction rolls back the change and its event together.
  assert.throws(() =>
    f.db.write(() => {
      f.store.updateThread({ agent: "w", threadId: id }, { progress: 50, body: "half" });
      throw new Error("boom");
    })
  );
  assert.deepEqual(_counts(f.db), before);
  assert.equal(f.store.getThread(id).progress, null);

  f.store.updateThread({ agent: "w", threadId: id }, { progress: 50, body: "half" });
  const after = _counts(f.db);
  assert.equal(after.events, before.events + 1);
  assert.equal(after.messages, before.messages + 1);
});
