/**
 * Runs, tasks, dependencies, readiness and dispatch gating, through the real
 * orch CLI on a real database.
 */
import assert from "node:assert/strict";
import { inbox, ok, orch, tempDb } from "./_cli.ts";
import { scalar } from "./_db.ts";
import { assertError, type Json, rowCounts, seedRun } from "./_orch.ts";

function _ids(tasks: unknown): string[] {
  return (tasks as Json[]).map((t) => String(t["id"]));
}

async function _readyIds(db: string, run: string): Promise<string[]> {
  return _ids((await ok(orch(db, "ready", "--run", run)))["tasks"]);
}

/** `orch dispatch --run R --task TASK --execution-mode analysis ...extra`. */
function _dispatchR(db: string, task: string, ...extra: string[]) {
  return orch(
    db,
    "dispatch",
    "--run",
    "R",
    "--task",
    task,
    "--execution-mode",
    "analysis",
    ...extra,
  );
}

/** Claims and finishes the latest attempt's thread of `task` as its worker. */
async function _finish(db: string, run: string, task: string): Promise<void> {
  const status = await ok(orch(db, "status", "--run", run));
  const t = (status["tasks"] as Json[]).find((x) => x["id"] === task)!;
  const a = t["latest_attempt"] as Json;
  const ref = ["--agent", String(a["assigned_to"]), "--thread", String(a["thread_id"])];
  await ok(inbox(db, "claim", ...ref));
  await ok(inbox(db, "done", ...ref, "--body", `${task} finished`));
}

Deno.test("run init / run show: a new run, then counts by status as tasks are added", async () => {
  await using env = await tempDb();
  const created = await ok(
    orch(env.db, "run", "init", "--run", "R1", "--goal", "Ship it", "--summary", "All of it"),
  );
  const run = created["run"] as Json;
  assert.deepEqual(
    [run["id"], run["goal"], run["summary"], run["status"], run["kind"]],
    ["R1", "Ship it", "All of it", "active", "run"],
  );
  const empty = await ok(orch(env.db, "run", "show", "--run", "R1"));
  assert.equal((empty["counts"] as Json)["total"], 0);

  await seedRun(env.db, "R2", { A: "w", B: "w", C: "w" }, [["B", "A"]]);
  const shown = await ok(orch(env.db, "run", "show", "--run", "R2"));
  const counts = shown["counts"] as Json;
  assert.equal(counts["total"], 3);
  assert.equal(counts["ready"], 2);
  assert.equal(counts["pending"], 1);
  assert.equal(counts["dispatched"], 0);
  assert.equal((shown["run"] as Json)["id"], "R2");

  assertError(
    await orch(env.db, "run", "init", "--run", "R1", "--goal", "Again"),
    "ALREADY_EXISTS",
    4,
  );
});

Deno.test("task add: a duplicate task id is ALREADY_EXISTS (exit 4) and writes nothing", async () => {
  await using env = await tempDb();
  await seedRun(env.db, "R", { T1: "w" });
  const before = await rowCounts(env.db);
  const r = await orch(env.db, "task", "add", "--run", "R", "--task", "T1", "--title", "Again");
  assertError(r, "ALREADY_EXISTS", 4);
  assert.deepEqual(await rowCounts(env.db), before);
  const task = await ok(orch(env.db, "task", "add", "--run", "R", "--task", "T2", "--title", "x"));
  assert.equal((task["task"] as Json)["status"], "ready");
  assert.equal((task["task"] as Json)["default_to"], null);
});

Deno.test("dep add: an unknown task on either side is TASK_NOT_FOUND (exit 3)", async () => {
  await using env = await tempDb();
  await seedRun(env.db, "R", { A: "w" });
  const before = await rowCounts(env.db);
  assertError(
    await orch(env.db, "dep", "add", "--run", "R", "--task", "A", "--depends-on", "Nope"),
    "TASK_NOT_FOUND",
    3,
  );
  assertError(
    await orch(env.db, "dep", "add", "--run", "R", "--task", "Nope", "--depends-on", "A"),
    "TASK_NOT_FOUND",
    3,
  );
  assert.deepEqual(await rowCounts(env.db), before);
});

Deno.test("dep add: closing a cycle a->b->c->a is DEPENDENCY_CYCLE (exit 4) and writes nothing", async () => {
  await using env = await tempDb();
  await seedRun(env.db, "R", { a: "w", b: "w", c: "w" }, [["a", "b"], ["b", "c"]]);
  const before = await rowCounts(env.db);
  const r = await orch(env.db, "dep", "add", "--run", "R", "--task", "c", "--depends-on", "a");
  assertError(r, "DEPENDENCY_CYCLE", 4);
  assert.deepEqual(((r.json.error as unknown as Json)["details"] as Json)["cycle"], [
    "c",
    "a",
    "b",
    "c",
  ]);
  assert.match(r.json.error!.message, /c -> a -> b -> c/);
  assert.deepEqual(await rowCounts(env.db), before);
  assert.equal(await scalar(env.db, "SELECT COUNT(*) FROM deps WHERE task_id = 'c'"), 0);
  // The chain still gates: only c is ready.
  assert.deepEqual(await _readyIds(env.db, "R"), ["c"]);
});

Deno.test("dep add: a task cannot depend on itself; a repeated edge changes nothing", async () => {
  await using env = await tempDb();
  await seedRun(env.db, "R", { a: "w", b: "w" });
  const before = await rowCounts(env.db);
  assertError(
    await orch(env.db, "dep", "add", "--run", "R", "--task", "a", "--depends-on", "a"),
    "DEPENDENCY_CYCLE",
    4,
  );
  assert.deepEqual(await rowCounts(env.db), before);
  const first = await ok(
    orch(env.db, "dep", "add", "--run", "R", "--task", "b", "--depends-on", "a"),
  );
  assert.equal(first["created"], true);
  const afterFirst = await rowCounts(env.db);
  const again = await ok(
    orch(env.db, "dep", "add", "--run", "R", "--task", "b", "--depends-on", "a"),
  );
  assert.equal(again["created"], false);
  assert.deepEqual(await rowCounts(env.db), afterFirst);
});

Deno.test("ready: a chain a <- b <- c becomes ready one link at a time as workers finish", async () => {
  await using env = await tempDb();
  await seedRun(env.db, "R", { a: "wa", b: "wb", c: "wc" }, [["b", "a"], ["c", "b"]]);
  assert.deepEqual(await _readyIds(env.db, "R"), ["a"]);
  await ok(_dispatchR(env.db, "a"));
  assert.deepEqual(await _readyIds(env.db, "R"), []);
  await _finish(env.db, "R", "a");
  // ready reconciles first: the worker's done is enough.
  assert.deepEqual(await _readyIds(env.db, "R"), ["b"]);
  await ok(_dispatchR(env.db, "b"));
  assert.deepEqual(await _readyIds(env.db, "R"), []);
  await _finish(env.db, "R", "b");
  assert.deepEqual(await _readyIds(env.db, "R"), ["c"]);
  const events = await ok(
    orch(env.db, "wait", "--run", "R", "--for", "task_ready", "--timeout-seconds", "0"),
  );
  assert.deepEqual(
    (events["events"] as Json[]).map((e) => [e["task_id"], (e["payload"] as Json)["unblocked_by"]]),
    [["b", "a"], ["c", "b"]],
  );
});

Deno.test("dispatch: a task whose dependency is not done is TASK_NOT_READY (exit 4)", async () => {
  await using env = await tempDb();
  await seedRun(env.db, "R", { a: "w", b: "w" }, [["b", "a"]]);
  const before = await rowCounts(env.db);
  const r = await _dispatchR(env.db, "b");
  assertError(r, "TASK_NOT_READY", 4);
  assert.match(r.json.error!.message, /dependency "a" is not done/);
  assert.deepEqual(await rowCounts(env.db), before);

  await ok(_dispatchR(env.db, "a"));
  // Dispatching a task that is already dispatched is refused too.
  assertError(
    await _dispatchR(env.db, "a"),
    "TASK_NOT_READY",
    4,
  );
  assert.equal(await scalar(env.db, "SELECT COUNT(*) FROM attempts"), 1);
});

Deno.test("dispatch: without --to or a default worker it is a USAGE error and writes nothing", async () => {
  await using env = await tempDb();
  await ok(orch(env.db, "run", "init", "--run", "R", "--goal", "g"));
  await ok(orch(env.db, "task", "add", "--run", "R", "--task", "T", "--title", "t"));
  const before = await rowCounts(env.db);
  assertError(
    await _dispatchR(env.db, "T"),
    "USAGE",
    2,
  );
  assert.deepEqual(await rowCounts(env.db), before);
});

Deno.test("dispatch: a repeated idempotency key returns the first attempt", async () => {
  await using env = await tempDb();
  await seedRun(env.db, "R", { a: "w", b: "w" });
  const first = await ok(_dispatchR(env.db, "a", "--idempotency-key", "k1"));
  assert.equal(first["replayed"], false);
  const counts = await rowCounts(env.db);
  const again = await ok(_dispatchR(env.db, "a", "--idempotency-key", "k1"));
  assert.equal(again["replayed"], true);
  assert.deepEqual(again["attempt"], first["attempt"]);
  assert.equal((again["thread"] as Json)["id"], (first["thread"] as Json)["id"]);
  assert.deepEqual(await rowCounts(env.db), counts);
  // The same key for another task is a conflict, not a silent replay.
  assertError(
    await _dispatchR(env.db, "b", "--idempotency-key", "k1"),
    "IDEMPOTENCY_CONFLICT",
    4,
  );
  assert.deepEqual(await rowCounts(env.db), counts);
});

Deno.test("dispatch: six processes racing on one task make exactly one attempt", async () => {
  await using env = await tempDb();
  await seedRun(env.db, "R", { a: "w" });
  const results = await Promise.all(
    Array.from(
      { length: 6 },
      (_, i) => _dispatchR(env.db, "a", "--body", `racer ${i}`),
    ),
  );
  const winners = results.filter((r) => r.code === 0);
  assert.equal(winners.length, 1, results.map((r) => r.stdout).join("\n"));
  for (const r of results.filter((r) => r.code !== 0)) assertError(r, "TASK_NOT_READY", 4);
  assert.equal(await scalar(env.db, "SELECT COUNT(*) FROM attempts"), 1);
  assert.equal(await scalar(env.db, "SELECT COUNT(*) FROM threads"), 1);
  assert.equal(
    await scalar(env.db, "SELECT COUNT(*) FROM events WHERE type = 'task_dispatched'"),
    1,
  );
  assert.equal(
    await scalar(env.db, "SELECT thread_id FROM attempts"),
    (winners[0]!.json["attempt"] as Json)["thread_id"],
  );
});
