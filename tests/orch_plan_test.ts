/**
 * Planning in few calls: `orch init`, `task add --depends-on A,B` and the
 * execution mode stored on the task (issue 11 item 12).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ok, orch, tempDb } from "./_cli.ts";

type Json = Record<string, unknown>;
const task = (r: Json) => r["task"] as Json;

Deno.test("orch init creates the database: a leader needs no inbox binary", async () => {
  const dir = await Deno.makeTempDir({ prefix: "coord-test-" });
  try {
    const db = join(dir, "coord.db");
    const init = await ok(orch(db, "init"));
    assert.equal(init["schema_version"], init["latest_schema_version"]);
    await ok(orch(db, "run", "init", "--run", "r", "--goal", "g"));
    assert.equal((await ok(orch(db, "init")))["db"], db); // safe to repeat
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("task add --depends-on A,B records every dependency with the task", async () => {
  await using env = await tempDb();
  await ok(orch(env.db, "run", "init", "--run", "r", "--goal", "g"));
  for (const t of ["A", "B"]) {
    await ok(orch(env.db, "task", "add", "--run", "r", "--task", t, "--title", t));
  }
  const c = await ok(
    orch(
      env.db,
      "task",
      "add",
      "--run",
      "r",
      "--task",
      "C",
      "--title",
      "C",
      "--depends-on",
      "A, B",
    ),
  );
  assert.deepEqual(task(c)["depends_on"], ["A", "B"]);
  assert.equal(task(c)["status"], "pending");
  const ready = await ok(orch(env.db, "ready", "--run", "r"));
  assert.deepEqual((ready["tasks"] as Json[]).map((t) => t["id"]), ["A", "B"]);
  const events = await ok(
    orch(env.db, "wait", "--run", "r", "--for", "dep_added", "--timeout-seconds", "0"),
  );
  assert.deepEqual(
    (events["events"] as Json[]).map((e) => (e["payload"] as Json)["depends_on"]),
    ["A", "B"],
  );
});

Deno.test("task add --depends-on with an unknown or its own id writes nothing", async () => {
  await using env = await tempDb();
  await ok(orch(env.db, "run", "init", "--run", "r", "--goal", "g"));
  await ok(orch(env.db, "task", "add", "--run", "r", "--task", "A", "--title", "A"));
  const missing = await orch(
    env.db,
    "task",
    "add",
    "--run",
    "r",
    "--task",
    "C",
    "--title",
    "C",
    "--depends-on",
    "A,NOPE",
  );
  assert.equal(missing.json.error?.code, "TASK_NOT_FOUND");
  assert.match(String(missing.json.error?.message), /"NOPE"/);
  const self = await orch(
    env.db,
    "task",
    "add",
    "--run",
    "r",
    "--task",
    "C",
    "--title",
    "C",
    "--depends-on",
    "C",
  );
  assert.equal(self.json.error?.code, "DEPENDENCY_CYCLE");
  // Nothing was written: the id is still free.
  const c = await ok(orch(env.db, "task", "add", "--run", "r", "--task", "C", "--title", "C"));
  assert.deepEqual(task(c)["depends_on"], []);
  const bad = await orch(
    env.db,
    "task",
    "add",
    "--run",
    "r",
    "--task",
    "D",
    "--title",
    "D",
    "--depends-on",
    "A,,B",
  );
  assert.equal(bad.json.error?.code, "USAGE");
});

Deno.test("dispatch uses the task's execution mode when none is given, and says when there is none", async () => {
  await using env = await tempDb();
  await ok(orch(env.db, "run", "init", "--run", "r", "--goal", "g"));
  const a = await ok(
    orch(
      env.db,
      "task",
      "add",
      "--run",
      "r",
      "--task",
      "A",
      "--title",
      "A",
      "--execution-mode",
      "analysis",
    ),
  );
  assert.equal(task(a)["execution_mode"], "analysis");
  await ok(orch(env.db, "task", "add", "--run", "r", "--task", "B", "--title", "B"));
  const d = await ok(orch(env.db, "dispatch", "--run", "r", "--task", "A", "--to", "w"));
  assert.equal((d["attempt"] as Json)["execution_mode"], "analysis");
  const none = await orch(env.db, "dispatch", "--run", "r", "--task", "B", "--to", "w");
  assert.equal(none.code, 2);
  assert.equal(none.json.error?.code, "USAGE");
  assert.match(String(none.json.error?.message), /no execution mode/);
});
