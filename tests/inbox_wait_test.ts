import assert from "node:assert/strict";
import { inbox, ok, tempDb, until } from "./_cli.ts";
import { DatabaseSync } from "node:sqlite";
import { isPgUrl, scalar } from "./_db.ts";
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

/** A thread addressed to "w", claimed by "w", blocked on a question, then its lease cut to `leaseSeconds`. */
async function _blockedWithLease(db: string, leaseSeconds: number): Promise<string> {
  const sent = await ok(
    inbox(db, "send", "--from", "lead", "--to", "w", "--subject", "Q", "--body", "task"),
  );
  const id = String((sent["thread"] as Json)["id"]);
  // A long lease while setting up (a loaded machine may take seconds per command), then short.
  await ok(inbox(db, "claim", "--agent", "w", "--thread", id));
  await ok(
    inbox(db, "update", "--agent", "w", "--thread", id, "--status", "blocked", "--body", "Why?"),
  );
  await ok(
    inbox(db, "renew", "--agent", "w", "--thread", id, "--lease-seconds", `${leaseSeconds}`),
  );
  return id;
}

Deno.test("inbox wait-reply: keeps a short lease alive for the whole wait", async () => {
  await using env = await tempDb();
  const id = await _blockedWithLease(env.db, 6);
  const epoch = await scalar(env.db, "SELECT lease_epoch FROM threads WHERE id = ?", Number(id));
  // The wait outlasts the lease: it must renew (a third of the lease), not let it lapse.
  const r = await inbox(
    env.db,
    "wait-reply",
    "--agent",
    "w",
    "--thread",
    id,
    "--timeout-seconds",
    "9",
  );
  const endedAt = new Date().toISOString();
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(r.json["timed_out"], true);
  const expires = String(
    await scalar(env.db, "SELECT lease_expires_at FROM threads WHERE id = ?", Number(id)),
  );
  assert.ok(
    expires > endedAt,
    `the lease expired at ${expires}, before the wait ended at ${endedAt}`,
  );
  assert.equal(
    await scalar(env.db, "SELECT lease_epoch FROM threads WHERE id = ?", Number(id)),
    epoch,
  );
  // Still the holder: the next update is accepted.
  await ok(inbox(env.db, "update", "--agent", "w", "--thread", id, "--body", "still here"));
});

Deno.test("inbox wait-reply: a lease lost while waiting ends the wait at once with LEASE_LOST", async () => {
  await using env = await tempDb();
  const id = await _blockedWithLease(env.db, 10);
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
  // Waiting (past opening the database): it renewed the lease when it began.
  await until(
    async () =>
      waiter.exited() ||
      Number(await scalar(env.db, "SELECT COUNT(*) FROM events WHERE type = 'lease_renewed'")) > 1, // the renew above, then the waiter's
    { what: "wait-reply to renew the lease as it begins" },
  );
  assert.equal(waiter.exited(), false);
  // Stop the waiter (a suspended laptop, a paused container) until its lease runs out and
  // another agent takes the thread over; then let it run again. Stopped inside one of its
  // renewals it would hold the write lock: then it runs on a little and is stopped again.
  try {
    await until(async () => {
      Deno.kill(waiter.child.pid, "SIGSTOP");
      if (!await _writable(env.db)) {
        Deno.kill(waiter.child.pid, "SIGCONT");
        return false;
      }
      return (await inbox(env.db, "claim", "--agent", "w2", "--thread", id)).code === 0;
    }, { what: "the lease to expire and w2 to take the thread over", timeoutMs: 30_000 });
  } finally {
    Deno.kill(waiter.child.pid, "SIGCONT");
  }
  // Ends long before its 60 s timeout, with the code the skill tells the worker to act on.
  const out = await until(async () => waiter.exited() ? await waiter.child.output() : undefined, {
    what: "wait-reply to end after losing its lease",
    timeoutMs: 30_000,
  });
  const r = JSON.parse(new TextDecoder().decode(out.stdout)) as Json;
  assert.equal(r["ok"], false, JSON.stringify(r));
  assert.equal((r["error"] as Json)["code"], "LEASE_LOST", JSON.stringify(r));
  assert.equal(out.code, 4);
});

/** Whether a write transaction can start on `db` now (no other process holds the write lock). */
async function _writable(db: string): Promise<boolean> {
  if (isPgUrl(db)) {
    // PostgreSQL: the writers' advisory lock is free (in this database: pg_locks shows the
    // whole server's, and other tests' databases share it).
    return Number(
      await scalar(
        db,
        `SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND granted
         AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      ),
    ) === 0;
  }
  const conn = new DatabaseSync(db, { timeout: 100 });
  try {
    conn.exec("BEGIN IMMEDIATE");
    conn.exec("ROLLBACK");
    return true;
  } catch {
    return false;
  } finally {
    conn.close();
  }
}
