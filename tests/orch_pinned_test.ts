/**
 * orch behaviours that a mutation audit found undefended (issue 12 item 2):
 * readiness behind a failed dependency, a run whose every task was
 * cancelled, and the 1,000-event cap of `orch wait`. Each is listed in
 * scripts/mutants.json with the mutation it catches.
 */
import assert from "node:assert/strict";
import { inbox, ok, orch, tempDb } from "./_cli.ts";
import { execSql, scalar } from "./_db.ts";
import { assertError, type Json, rowCounts, seedRun } from "./_orch.ts";

/** Dispatches `task` in analysis mode and returns `--agent A --thread T` for its worker. */
async function _dispatch(db: string, run: string, task: string): Promise<string[]> {
  const r = await ok(
    orch(db, "dispatch", "--run", run, "--task", task, "--execution-mode", "analysis"),
  );
  const attempt = r["attempt"] as Json;
  return ["--agent", String(attempt["assigned_to"]), "--thread", String(attempt["thread_id"])];
}

async function _readyIds(db: string, run: string): Promise<unknown[]> {
  return ((await ok(orch(db, "ready", "--run", run)))["tasks"] as Json[]).map((t) => t["id"]);
}

Deno.test("ready: a task whose dependency failed is not ready, in ready, status and dispatch", async () => {
  await using env = await tempDb();
  const db = env.db;
  await seedRun(db, "R", { A: "wa", B: "wb", C: "wc" }, [["B", "A"]]);
  const a = await _dispatch(db, "R", "A");
  await ok(inbox(db, "claim", ...a));
  await ok(inbox(db, "fail", ...a, "--reason", "impossible"));

  // ready reconciles first, so A is failed by now; B waits on it, C waits on nothing.
  assert.deepEqual(await _readyIds(db, "R"), ["C"]);
  const s = await ok(orch(db, "status", "--run", "R"));
  const statuses = Object.fromEntries((s["tasks"] as Json[]).map((t) => [t["id"], t["status"]]));
  assert.deepEqual(statuses, { A: "failed", B: "pending", C: "ready" });
  assert.equal((s["counts"] as Json)["ready"], 1);
  assert.equal(await scalar(db, "SELECT COUNT(*) FROM events WHERE type = 'task_ready'"), 0);
  const before = await rowCounts(db);
  const r = await orch(db, "dispatch", "--run", "R", "--task", "B", "--execution-mode", "analysis");
  assertError(r, "TASK_NOT_READY", 4);
  assert.deepEqual(await rowCounts(db), before);
});

Deno.test("cancel --task: a run whose every task was cancelled stays active, never completed", async () => {
  await using env = await tempDb();
  const db = env.db;
  await seedRun(db, "R", { A: "wa", B: "wb" });
  const a = await _dispatch(db, "R", "A");
  await ok(inbox(db, "claim", ...a));
  await ok(orch(db, "cancel", "--run", "R", "--task", "A"));
  const last = await ok(orch(db, "cancel", "--run", "R", "--task", "B"));
  assert.equal((last["run"] as Json)["status"], "active");
  const s = await ok(orch(db, "status", "--run", "R"));
  assert.equal((s["run"] as Json)["status"], "active");
  assert.equal(await scalar(db, "SELECT COUNT(*) FROM events WHERE type = 'run_completed'"), 0);
  // Nothing done, nothing to complete: the leader can still add work, or cancel the run.
  await ok(orch(db, "task", "add", "--run", "R", "--task", "C", "--title", "C"));
  const cancelled = await ok(orch(db, "cancel", "--run", "R"));
  assert.equal((cancelled["run"] as Json)["status"], "cancelled");
});

/** `orch wait` returns at most this many events per call (docs/protocol.md). */
const WAIT_EVENT_CAP = 1000;

Deno.test("orch wait: returns at most 1,000 events per call; --after-event pages through the rest", async () => {
  await using env = await tempDb();
  const db = env.db;
  await seedRun(db, "R", { A: "wa" });
  // A run with a long history: 1,500 more events than the CLI would make in a test's time.
  const extra = WAIT_EVENT_CAP + 500;
  // One statement both backends run: a counter CTE feeding the insert.
  await execSql(
    db,
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
     INSERT INTO events (ts, run_id, task_id, type, payload)
     SELECT ?, 'R', 'A', 'task_added', '{}' FROM n`,
    extra,
    new Date().toISOString(),
  );
  const total = Number(await scalar(db, "SELECT COUNT(*) FROM events WHERE run_id = 'R'"));
  assert.ok(total > extra);

  const seen: number[] = [];
  let after = 0;
  const pages: number[] = [];
  for (;;) {
    const r = await ok(
      orch(
        db,
        "wait",
        "--run",
        "R",
        "--for",
        "all",
        "--after-event",
        `${after}`,
        "--timeout-seconds",
        "0",
      ),
    );
    const events = r["events"] as Json[];
    if (events.length === 0) {
      assert.equal(r["timed_out"], true);
      assert.equal(r["next_after_event"], after);
      break;
    }
    pages.push(events.length);
    seen.push(...events.map((e) => Number(e["id"])));
    assert.equal(r["next_after_event"], seen[seen.length - 1]);
    after = Number(r["next_after_event"]);
  }
  assert.deepEqual(pages, [WAIT_EVENT_CAP, total - WAIT_EVENT_CAP]);
  assert.equal(new Set(seen).size, total, "an event was returned twice or skipped");
  assert.deepEqual(seen, [...seen].sort((x, y) => x - y));
});
