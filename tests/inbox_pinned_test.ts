/**
 * inbox behaviours that a mutation audit found undefended (issue 12 item 2):
 * idempotency conflicts on sender and recipient, the council contract when
 * the payload is missing, wait-reply ending at once when the thread closes,
 * watch starting from now, and the 8 MiB artifact limit at its edge. Each
 * is listed in scripts/mutants.json with the mutation it catches.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { cli, inbox, ok, orch, tempDb, until } from "./_cli.ts";
import { dumpDb } from "./_db.ts";
import { assertError, type Json } from "./_orch.ts";
import { hasFileOpen, lines, spawnCli } from "./_spawn.ts";

const _SEND = ["send", "--from", "lead", "--to", "w", "--subject", "s", "--body", "b"];

function _id(j: Json, what: "thread" | "message"): string {
  return String((j[what] as Json)["id"]);
}

Deno.test("send --idempotency-key reused with another sender or recipient is IDEMPOTENCY_CONFLICT", async () => {
  await using env = await tempDb();
  const key = ["--idempotency-key", "k1"];
  const first = await ok(inbox(env.db, ..._SEND, ...key));
  // The same request again is a replay of the first thread.
  const again = await ok(inbox(env.db, ..._SEND, ...key));
  assert.equal(_id(again, "thread"), _id(first, "thread"));
  const before = await dumpDb(env.db);
  const otherFrom = ["send", "--from", "lead2", "--to", "w", "--subject", "s", "--body", "b"];
  const otherTo = ["send", "--from", "lead", "--to", "w2", "--subject", "s", "--body", "b"];
  for (const args of [otherFrom, otherTo]) {
    const r = await inbox(env.db, ...args, ...key);
    assertError(r, "IDEMPOTENCY_CONFLICT", 4);
    assert.match(r.json.error!.message, /"k1"/);
  }
  assert.deepEqual(await dumpDb(env.db), before);
});

Deno.test("inbox done on a council thread without --payload-json is refused by the contract", async () => {
  await using env = await tempDb();
  const db = env.db;
  const started = await ok(
    orch(db, "council", "start", "--run", "C", "--topic", "Plan", "--body", "Review the plan"),
  );
  const attempt = (started["attempts"] as Json[])[0]!;
  const ref = ["--agent", String(attempt["assigned_to"]), "--thread", String(attempt["thread_id"])];
  await ok(inbox(db, "claim", ...ref));
  const before = await dumpDb(db);
  for (const extra of [[], ["--body", "All good, no notes"]]) {
    const r = await inbox(db, "done", ...ref, ...extra);
    assertError(r, "INVALID_RESULT", 2);
    assert.match(r.json.error!.message, /council reviewer contract/);
  }
  assert.deepEqual(await dumpDb(db), before);
  const still = await ok(inbox(db, "show", "--thread", ref[3]!));
  assert.equal((still["thread"] as Json)["status"], "claimed");
});

Deno.test("wait-reply ends with THREAD_CLOSED when the thread closes while it waits, and at once on a closed one", async () => {
  await using env = await tempDb();
  const db = env.db;
  const sent = await ok(inbox(db, ..._SEND));
  const thread = _id(sent, "thread");
  await ok(inbox(db, "claim", "--agent", "w", "--thread", thread));
  // The leader waits for a reply that will never come: the worker finishes instead.
  const waiter = spawnCli("inbox", [
    "--db",
    db,
    "--json",
    "wait-reply",
    "--agent",
    "lead",
    "--thread",
    thread,
    "--timeout-seconds",
    "600",
  ]);
  try {
    await until(() => waiter.exited() || hasFileOpen(waiter.child.pid, db), {
      what: "wait-reply to open the database",
    });
    assert.equal(waiter.exited(), false, "wait-reply ended before the thread closed");
    await ok(inbox(db, "done", "--agent", "w", "--thread", thread, "--body", "finished"));
    // Well within its 600 s timeout: only the closed thread can end it now.
    const out = await until(async () => waiter.exited() ? await waiter.child.output() : undefined, {
      what: "wait-reply to end when the thread closed",
      timeoutMs: 60_000,
    });
    const r = JSON.parse(new TextDecoder().decode(out.stdout)) as Json;
    assert.equal((r["error"] as Json | undefined)?.["code"], "THREAD_CLOSED", JSON.stringify(r));
    assert.equal(out.code, 4);
  } finally {
    if (!waiter.exited()) {
      waiter.child.kill();
      await waiter.child.output();
    }
  }
  // Asked again on the closed thread: the same answer, without waiting.
  const again = await inbox(
    db,
    "wait-reply",
    "--agent",
    "lead",
    "--thread",
    thread,
    "--timeout-seconds",
    "600",
  );
  assertError(again, "THREAD_CLOSED", 4);
  assert.match(again.json.error!.message, /already done/);
});

Deno.test("watch without --after-message starts from now: the first new message, no older one", async () => {
  await using env = await tempDb();
  const db = env.db;
  await ok(inbox(db, "send", "--from", "lead", "--to", "w", "--subject", "old", "--body", "old"));
  const watcher = spawnCli("inbox", [
    "--db",
    db,
    "--json",
    "watch",
    "--agent",
    "w",
    "--max",
    "1",
    "--timeout-seconds",
    "60",
  ]);
  try {
    await until(() => watcher.exited() || hasFileOpen(watcher.child.pid, db), {
      what: "watch to open the database",
    });
    const sent = await ok(
      inbox(db, "send", "--from", "lead", "--to", "w", "--subject", "new", "--body", "new"),
    );
    const got: Json[] = [];
    for await (const line of lines(watcher.child.stdout)) got.push(JSON.parse(line));
    assert.equal(got.length, 2, JSON.stringify(got));
    assert.equal((got[0]?.["message"] as Json)["body"], "new");
    assert.deepEqual(got[1], {
      ok: true,
      type: "end",
      count: 1,
      timed_out: false,
      cursor: Number(_id(sent, "message")),
    });
    assert.equal((await watcher.child.status).code, 0);
  } finally {
    watcher.killIfRunning("SIGTERM");
    await watcher.child.status;
    await watcher.child.stderr.cancel();
  }
});

/** The artifact size limit (docs/protocol.md): 8 MiB. */
const ARTIFACT_LIMIT = 8 * 1024 * 1024;

Deno.test("an artifact of exactly 8 MiB is stored and read back whole; one byte more is TOO_LARGE", async () => {
  await using env = await tempDb();
  const db = env.db;
  const bytes = new Uint8Array(ARTIFACT_LIMIT);
  for (let i = 0; i < bytes.length; i += 65536) {
    crypto.getRandomValues(bytes.subarray(i, i + 65536));
  }
  const atLimit = join(env.dir, "at-limit.bin");
  await Deno.writeFile(atLimit, bytes);
  const sent = await ok(inbox(db, ..._SEND, "--artifact", atLimit));
  const artifact = (sent["artifacts"] as Json[])[0]!;
  assert.equal(artifact["size"], ARTIFACT_LIMIT);
  const out = join(env.dir, "out.bin");
  await ok(inbox(db, "artifact", "get", "--artifact", String(artifact["id"]), "--out", out));
  const back = await Deno.readFile(out);
  const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
  assert.equal(back.length, ARTIFACT_LIMIT);
  assert.equal(sha(back), sha(bytes));
  assert.equal(artifact["sha256"], sha(bytes));

  const over = join(env.dir, "over.bin");
  await Deno.writeFile(over, new Uint8Array(ARTIFACT_LIMIT + 1));
  const before = await dumpDb(db);
  const r = await cli("inbox", ["--db", db, "--json", ..._SEND, "--artifact", over]);
  assertError(r, "TOO_LARGE", 2);
  assert.deepEqual(await dumpDb(db), before);
});
