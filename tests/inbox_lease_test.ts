import assert from "node:assert/strict";
import { inbox, ok, tempDb, until } from "./_cli.ts";
import { dumpDb } from "./_db.ts";

type Json = Record<string, unknown>;

function _thread(j: Json): Json {
  return j["thread"] as Json;
}

/** Waits (polling, with a deadline) until the wall clock is past `iso`. */
async function _pastExpiry(iso: unknown): Promise<void> {
  const at = Date.parse(String(iso));
  assert.ok(!Number.isNaN(at), `not a timestamp: ${iso}`);
  await until(() => Date.now() > at, { timeoutMs: 10_000, what: `lease expiry at ${iso}` });
}

Deno.test("inbox lease: after expiry another agent claims with epoch 2 and the old holder gets LEASE_LOST", async () => {
  await using env = await tempDb();
  const db = env.db;
  const sent = await ok(
    inbox(db, "send", "--from", "lead", "--to", "a", "--subject", "job", "--body", "do it"),
  );
  const id = String(_thread(sent)["id"]);
  const claimed = await ok(
    inbox(db, "claim", "--agent", "a", "--thread", id, "--lease-seconds", "1"),
  );
  assert.equal(_thread(claimed)["lease_epoch"], 1);
  await _pastExpiry(_thread(claimed)["lease_expires_at"]);

  // Expired but not yet taken: the holder's writes already fail.
  const expired = await dumpDb(db);
  const late = await inbox(
    db,
    "update",
    "--agent",
    "a",
    "--thread",
    id,
    "--progress",
    "50",
    "--body",
    "late",
  );
  assert.equal(late.code, 4);
  assert.equal(late.json.error?.code, "LEASE_LOST");
  assert.deepEqual(await dumpDb(db), expired);

  const taken = await ok(inbox(db, "claim", "--agent", "b", "--thread", id));
  assert.equal(_thread(taken)["claimed_by"], "b");
  assert.equal(_thread(taken)["lease_epoch"], 2);
  assert.equal(taken["previous_holder"], "a");

  const before = await dumpDb(db);
  for (
    const args of [
      ["update", "--agent", "a", "--thread", id, "--body", "still mine?"],
      ["update", "--agent", "a", "--thread", id, "--progress", "90"],
      ["done", "--agent", "a", "--thread", id, "--body", "finished"],
      ["fail", "--agent", "a", "--thread", id, "--reason", "gave up"],
      ["renew", "--agent", "a", "--thread", id],
    ]
  ) {
    const r = await inbox(db, ...args);
    assert.equal(r.code, 4, `${args.join(" ")}: ${r.stdout}`);
    assert.equal(r.json.error?.code, "LEASE_LOST", args.join(" "));
  }
  assert.deepEqual(await dumpDb(db), before);

  const shown = await ok(inbox(db, "show", "--thread", id));
  const fromA = (shown["messages"] as Json[]).filter((m) => m["from_agent"] === "a");
  assert.deepEqual(fromA, []);
  assert.equal(_thread(shown)["claimed_by"], "b");
  assert.equal(_thread(shown)["progress"], null);

  await ok(
    inbox(db, "update", "--agent", "b", "--thread", id, "--progress", "60", "--body", "b here"),
  );
  const done = await ok(inbox(db, "done", "--agent", "b", "--thread", id, "--body", "done by b"));
  assert.equal(_thread(done)["status"], "done");
  assert.equal((done["message"] as Json)["to_agent"], "lead");
  const leadInbox = await ok(inbox(db, "fetch", "--agent", "lead"));
  assert.deepEqual((leadInbox["messages"] as Json[]).map((m) => m["body"]), [
    "b here",
    "done by b",
  ]);
});

Deno.test("inbox lease: a stale --lease-epoch is LEASE_LOST even for the same agent name", async () => {
  await using env = await tempDb();
  const db = env.db;
  const sent = await ok(
    inbox(db, "send", "--from", "lead", "--to", "w", "--subject", "job", "--body", "do it"),
  );
  const id = String(_thread(sent)["id"]);
  const first = await ok(inbox(db, "claim", "--agent", "w", "--lease-seconds", "1"));
  assert.equal(String(_thread(first)["id"]), id);
  assert.equal(_thread(first)["lease_epoch"], 1);
  await _pastExpiry(_thread(first)["lease_expires_at"]);

  // Another worker process of the same pool takes the expired thread.
  const second = await ok(inbox(db, "claim", "--agent", "w"));
  assert.equal(String(_thread(second)["id"]), id);
  assert.equal(_thread(second)["lease_epoch"], 2);

  const before = await dumpDb(db);
  for (
    const args of [
      ["update", "--agent", "w", "--thread", id, "--lease-epoch", "1", "--progress", "10"],
      ["done", "--agent", "w", "--thread", id, "--lease-epoch", "1", "--body", "stale"],
      ["renew", "--agent", "w", "--thread", id, "--lease-epoch", "1"],
    ]
  ) {
    const r = await inbox(db, ...args);
    assert.equal(r.code, 4, `${args.join(" ")}: ${r.stdout}`);
    assert.equal(r.json.error?.code, "LEASE_LOST", args.join(" "));
    assert.equal((r.json.error as unknown as { details: Json }).details["lease_epoch"], 2);
  }
  assert.deepEqual(await dumpDb(db), before);

  const done = await ok(
    inbox(db, "done", "--agent", "w", "--thread", id, "--lease-epoch", "2", "--body", "ok"),
  );
  assert.equal(_thread(done)["status"], "done");
});
