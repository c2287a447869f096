/**
 * `orch wait`: the default event set (what the leader must act on, stale
 * workers included) and the event list in `wait --help`, both generated from
 * src/protocol/enums.ts.
 */
import assert from "node:assert/strict";
import { cli, inbox, ok, orch, tempDb } from "./_cli.ts";
import { type Json, seedRun } from "./_orch.ts";
import { ORCH_EVENT_INFO, ORCH_EVENT_TYPES } from "../src/protocol/enums.ts";

Deno.test("orch wait without --for: skips bookkeeping events and wakes on a dead worker (task_stale)", async () => {
  await using env = await tempDb();
  const db = env.db;
  await seedRun(db, "R", { A: "wa" });
  const d = await ok(
    orch(db, "dispatch", "--run", "R", "--task", "A", "--execution-mode", "analysis"),
  );
  const thread = String((d["thread"] as Json)["id"]);
  // run_created, task_added and task_dispatched exist, but none needs the leader.
  const quiet = await ok(orch(db, "wait", "--run", "R", "--timeout-seconds", "0.2"));
  assert.equal(quiet["timed_out"], true, JSON.stringify(quiet["events"]));
  // The worker claims with a short lease and dies.
  await ok(inbox(db, "claim", "--agent", "wa", "--thread", thread, "--lease-seconds", "1"));
  const woke = await ok(orch(db, "wait", "--run", "R", "--timeout-seconds", "30"));
  assert.equal(woke["timed_out"], false);
  assert.deepEqual((woke["events"] as Json[]).map((e) => e["type"]), ["task_stale"]);
  // --for all still sees everything.
  const all = await ok(orch(db, "wait", "--run", "R", "--for", "all", "--timeout-seconds", "0"));
  const types = (all["events"] as Json[]).map((e) => e["type"]);
  for (const t of ["run_created", "task_added", "task_dispatched", "task_stale"]) {
    assert.ok(types.includes(t), `${t} missing from --for all: ${types}`);
  }
});

Deno.test("orch wait --help: lists every event type with its line, marking the default set", async () => {
  const r = await cli("orch", ["wait", "--help"]);
  assert.equal(r.code, 0, r.stderr);
  for (const t of ORCH_EVENT_TYPES) {
    const info = ORCH_EVENT_INFO[t];
    const line = r.stdout.split("\n").find((l) => l.trim().startsWith(`${t} `));
    assert.ok(line, `${t} is not listed in wait --help`);
    assert.ok(line.includes(info.about), `${t}: ${line}`);
    assert.equal(/\s\*\s/.test(line), info.wakes, `${t}: default mark: ${line}`);
  }
  assert.ok(ORCH_EVENT_INFO.task_stale.wakes, "the default set must include task_stale");
});

Deno.test("docs/protocol.md: orch wait names exactly the default event set", async () => {
  const doc = await Deno.readTextFile(new URL("../docs/protocol.md", import.meta.url));
  const section = doc.slice(doc.indexOf("### `orch wait`"), doc.indexOf("### `orch blocked`"));
  const listed = section.match(/default set: ([^)]*)\)/)?.[1]?.match(/`[a-z_]+`/g) ?? [];
  assert.deepEqual(
    listed.map((t) => t.slice(1, -1)).sort(),
    ORCH_EVENT_TYPES.filter((t) => ORCH_EVENT_INFO[t].wakes).sort(),
  );
});
