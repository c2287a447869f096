/**
 * What the leader sees when workers act and when one takes over another's
 * expired thread: the current holder, progress and lease in status (JSON and
 * table), events that carry the question or result summary, the holder and
 * the attempt, stamped when the worker acted; a blocked thread taken over
 * keeps its open question.
 */
import assert from "node:assert/strict";
import { cli, inbox, ok, orch, tempDb } from "./_cli.ts";
import { scalar } from "./_db.ts";
import { type Json, seedRun } from "./_orch.ts";

/** Dispatches task A of run R to worker-c, which claims it with a 1 s lease. */
async function _claimedByC(db: string, leaseSeconds = "1"): Promise<string> {
  await seedRun(db, "R", { A: "worker-c" });
  const d = await ok(
    orch(db, "dispatch", "--run", "R", "--task", "A", "--execution-mode", "analysis"),
  );
  const thread = String((d["thread"] as Json)["id"]);
  await ok(
    inbox(db, "claim", "--agent", "worker-c", "--thread", thread, "--lease-seconds", leaseSeconds),
  );
  return thread;
}

/** Waits for one event of `type` after `after` and returns it. */
async function _event(db: string, type: string, after = 0): Promise<Json> {
  const w = await ok(
    orch(
      db,
      "wait",
      "--run",
      "R",
      "--for",
      type,
      "--after-event",
      `${after}`,
      "--timeout-seconds",
      "30",
    ),
  );
  assert.equal(w["timed_out"], false, `no ${type} event`);
  return (w["events"] as Json[])[0]!;
}

async function _latestAttempt(db: string): Promise<Json> {
  const s = await ok(orch(db, "status", "--run", "R"));
  return (s["tasks"] as Json[])[0]!["latest_attempt"] as Json;
}

Deno.test("takeover: status and task_done name the current holder; status shows progress and lease", async () => {
  await using env = await tempDb();
  const db = env.db;
  // A long lease while reporting progress (a loaded machine can take more than a second per
  // command), then a 1 s one, so the lease runs out.
  const thread = await _claimedByC(db, "600");
  await ok(inbox(db, "update", "--agent", "worker-c", "--thread", thread, "--progress", "40"));
  await ok(
    inbox(db, "renew", "--agent", "worker-c", "--thread", thread, "--lease-seconds", "1"),
  );
  const stale = await _event(db, "task_stale");
  assert.equal((stale["payload"] as Json)["holder"], "worker-c");
  // The stale event is stamped when the lease ran out, not when reconcile noticed.
  assert.equal(stale["ts"], (stale["payload"] as Json)["lease_expired_at"]);

  await ok(inbox(db, "claim", "--agent", "worker-b", "--thread", thread));
  await ok(inbox(db, "update", "--agent", "worker-b", "--thread", thread, "--progress", "70"));
  const a = await _latestAttempt(db);
  assert.equal(a["assigned_to"], "worker-c");
  assert.equal(a["holder"], "worker-b");
  assert.equal(a["progress"], 70);
  assert.equal(
    a["lease_expires_at"],
    await scalar(db, "SELECT lease_expires_at FROM threads WHERE id = ?", Number(thread)),
  );
  assert.equal(a["stale"], false);
  const shown = (await cli("orch", ["--db", db, "status", "--run", "R"])).stdout;
  assert.match(shown, /HOLDER/);
  assert.match(shown, /worker-b/);
  assert.match(shown, /70%/);
  // The table shows the lease as time left (axcli's status table), e.g. "14m59s".
  assert.match(shown, /LEASE LEFT/);
  assert.match(shown, /worker-b\s+70%\s+\d+m\d\ds/, shown);

  const cursor = Number(await scalar(db, "SELECT MAX(id) FROM events"));
  await ok(
    inbox(db, "done", "--agent", "worker-b", "--thread", thread, "--body", "Found the root cause"),
  );
  const done = await _event(db, "task_done", cursor);
  const p = done["payload"] as Json;
  assert.equal(p["holder"], "worker-b");
  assert.equal(p["assigned_to"], "worker-c");
  assert.equal(p["attempt_n"], 1);
  assert.equal(typeof p["attempt_id"], "number");
  assert.equal(p["summary"], "Found the root cause");
  // Stamped when the worker finished (its thread event), not when reconcile ran.
  assert.equal(done["ts"], await scalar(db, "SELECT ts FROM events WHERE type = 'thread_done'"));
});

Deno.test("takeover of a blocked thread keeps the open question visible until answered", async () => {
  await using env = await tempDb();
  const db = env.db;
  // A long lease while asking (a loaded machine can take more than a second per command), then
  // a 1 s one, so the lease runs out while the question is open.
  const thread = await _claimedByC(db, "600");
  const question = `Which database? ${"x".repeat(1500)}`;
  await ok(
    inbox(
      db,
      "update",
      "--agent",
      "worker-c",
      "--thread",
      thread,
      "--status",
      "blocked",
      "--body",
      question,
    ),
  );
  const blockedEvent = await _event(db, "task_blocked");
  const bp = blockedEvent["payload"] as Json;
  assert.equal(bp["holder"], "worker-c");
  assert.equal(bp["question"], question.slice(0, 1000));
  assert.equal(bp["text_truncated"], true);
  await ok(inbox(db, "renew", "--agent", "worker-c", "--thread", thread, "--lease-seconds", "1"));
  await _event(db, "task_stale");

  const claimed = await ok(inbox(db, "claim", "--agent", "worker-b", "--thread", thread));
  assert.equal((claimed["thread"] as Json)["status"], "blocked");
  const listed = (await ok(orch(db, "blocked", "--run", "R")))["blocked"] as Json[];
  assert.equal(listed.length, 1, "the question vanished from orch blocked");
  assert.equal((listed[0]!["question"] as Json)["body"], question);
  assert.equal((listed[0]!["attempt"] as Json)["holder"], "worker-b");
  // The leader can still answer, and the new holder gets the answer.
  await ok(orch(db, "answer", "--run", "R", "--task", "A", "--body", "SQLite"));
  const reply = await ok(
    inbox(db, "wait-reply", "--agent", "worker-b", "--thread", thread, "--timeout-seconds", "10"),
  );
  assert.equal((reply["message"] as Json)["body"], "SQLite");
  assert.equal((reply["thread"] as Json)["status"], "in_progress");
});
