import assert from "node:assert/strict";
import { inbox, ok, tempDb, until } from "./_cli.ts";
import { hasFileOpen, lines, spawnCli } from "./_spawn.ts";

type Json = Record<string, unknown>;

async function _blockedThread(db: string): Promise<{ id: string; questionId: number }> {
  const sent = await ok(
    inbox(db, "send", "--from", "lead", "--to", "w", "--subject", "Q", "--body", "task"),
  );
  const id = String((sent["thread"] as Json)["id"]);
  await ok(inbox(db, "claim", "--agent", "w", "--thread", id));
  const q = await ok(
    inbox(db, "update", "--agent", "w", "--thread", id, "--status", "blocked", "--body", "Why?"),
  );
  return { id, questionId: Number((q["message"] as Json)["id"]) };
}

Deno.test("inbox wait-reply: blocks until another process replies, then returns the reply", async () => {
  await using env = await tempDb();
  const { id, questionId } = await _blockedThread(env.db);
  const waiter = spawnCli("inbox", [
    "--db",
    env.db,
    "--json",
    "wait-reply",
    "--agent",
    "w",
    "--thread",
    id,
    "--timeout-seconds",
    "60",
  ]);
  await until(() => waiter.exited() || hasFileOpen(waiter.child.pid, env.db), {
    what: "wait-reply to open the database",
  });
  assert.equal(waiter.exited(), false, "wait-reply returned before any reply was sent");

  const replied = await ok(
    inbox(env.db, "reply", "--agent", "lead", "--thread", id, "--body", "Because"),
  );
  const out = await waiter.child.output();
  const stdout = new TextDecoder().decode(out.stdout);
  assert.equal(out.code, 0, stdout + new TextDecoder().decode(out.stderr));
  const r = JSON.parse(stdout) as Json;
  assert.equal(r["ok"], true);
  assert.equal(r["timed_out"], false);
  assert.equal(r["after_message"], questionId);
  const message = r["message"] as Json;
  assert.equal(message["id"], (replied["message"] as Json)["id"]);
  assert.equal(message["body"], "Because");
  assert.equal(message["type"], "reply");
  assert.equal((r["thread"] as Json)["status"], "in_progress");
});

Deno.test("inbox wait-reply: a timeout is ok:true, timed_out:true, exit 0", async () => {
  await using env = await tempDb();
  const { id, questionId } = await _blockedThread(env.db);
  const r = await inbox(
    env.db,
    "wait-reply",
    "--agent",
    "w",
    "--thread",
    id,
    "--timeout-seconds",
    "0.3",
  );
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(r.json.ok, true);
  assert.equal(r.json["timed_out"], true);
  assert.equal(r.json["message"], null);
  assert.equal(r.json["after_message"], questionId);
  assert.equal((r.json["thread"] as Json)["status"], "blocked");
});

Deno.test("inbox watch: streams new messages as NDJSON and ends with an end line at --max", async () => {
  await using env = await tempDb();
  const db = env.db;
  const first = await ok(
    inbox(db, "send", "--from", "lead", "--to", "w", "--subject", "old", "--body", "seen"),
  );
  const after = String((first["message"] as Json)["id"]);
  const watcher = spawnCli("inbox", [
    "--db",
    db,
    "--json",
    "watch",
    "--agent",
    "w",
    "--max",
    "2",
    "--after-message",
    after,
    "--timeout-seconds",
    "60",
  ]);
  const reader = lines(watcher.child.stdout);
  await until(() => watcher.exited() || hasFileOpen(watcher.child.pid, db), {
    what: "watch to open the database",
  });
  assert.equal(watcher.exited(), false, "watch ended before any new message");

  await ok(inbox(db, "send", "--from", "lead", "--to", "other", "--subject", "x", "--body", "no"));
  const a = await ok(
    inbox(db, "send", "--from", "lead", "--to", "w", "--subject", "A", "--body", "a"),
  );
  const first1 = JSON.parse((await reader.next()).value ?? "null") as Json;
  assert.equal(first1["type"], "message");
  assert.equal((first1["message"] as Json)["id"], (a["message"] as Json)["id"]);
  assert.equal((first1["message"] as Json)["body"], "a");

  const b = await ok(
    inbox(db, "send", "--from", "lead", "--to", "w", "--subject", "B", "--body", "b"),
  );
  const rest: Json[] = [];
  for await (const line of reader) rest.push(JSON.parse(line));
  assert.equal(rest.length, 2);
  assert.equal(rest[0]?.["type"], "message");
  assert.equal((rest[0]?.["message"] as Json)["body"], "b");
  assert.deepEqual(rest[1], {
    ok: true,
    type: "end",
    count: 2,
    timed_out: false,
    cursor: (b["message"] as Json)["id"],
  });
  const status = await watcher.child.status;
  assert.equal(status.code, 0);
  assert.equal(
    new TextDecoder().decode(await new Response(watcher.child.stderr).arrayBuffer()),
    "",
  );
});

Deno.test("inbox watch: ends with a timed-out end line when no more messages come", async () => {
  await using env = await tempDb();
  const db = env.db;
  const sent = await ok(
    inbox(db, "send", "--from", "lead", "--to", "w", "--subject", "one", "--body", "1"),
  );
  const r = await inbox(
    db,
    "watch",
    "--agent",
    "w",
    "--after-message",
    "0",
    "--timeout-seconds",
    "0.3",
  );
  assert.equal(r.code, 0, r.stderr);
  const out = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as Json);
  assert.equal(out.length, 2);
  assert.equal(out[0]?.["type"], "message");
  assert.equal((out[0]?.["message"] as Json)["id"], (sent["message"] as Json)["id"]);
  assert.deepEqual(out[1], {
    ok: true,
    type: "end",
    count: 1,
    timed_out: true,
    cursor: (sent["message"] as Json)["id"],
  });
});
