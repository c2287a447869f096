import assert from "node:assert/strict";
import { join } from "node:path";
import { gitWorkspaces } from "../cli/orch/git_workspaces.ts";
import { openSqlite } from "../storage/sqlite/open_sqlite.ts";
import { initRepo } from "../../tests/_git.ts";
import type { Clock } from "./clock.ts";
import { OrchStore } from "./orch_store.ts";

class SteppingClock implements Clock {
  ms = Date.parse("2026-01-01T00:00:00.000Z");
  now(): Date {
    return new Date(this.ms);
  }
}

Deno.test("OrchStore.statusJson(): equals the object view for every kind of task", async () => {
  const dir = await Deno.makeTempDir({ prefix: "orch-status-" });
  const repo = join(dir, "repo");
  await initRepo(repo);
  const db = await openSqlite(join(dir, "coord.db"), { init: true });
  const clock = new SteppingClock();
  try {
    const s = new OrchStore(db, {
      clock,
      workspaces: gitWorkspaces({ dbPath: join(dir, "coord.db") }),
    });
    const inbox = s.inbox;
    await s.createRun({ runId: "R", goal: "g" });
    const add = (id: string, extra: Record<string, unknown> = {}) =>
      s.addTask({
        runId: "R",
        taskId: id,
        title: `Task ${id} "quoted" ü`,
        defaultTo: "w",
        ...extra,
      });
    await add("A", { acceptance: { kind: "analysis", n: 1.5, list: [1, null, "x"] } });
    await add("B");
    await add("C");
    await add("D");
    await add("E");
    await add("F");
    await add("G");
    await s.addDep({ runId: "R", taskId: "G", dependsOn: "F" });
    await s.addDep({ runId: "R", taskId: "G", dependsOn: "B" });
    await s.addDep({ runId: "R", taskId: "E", dependsOn: "A" });
    const tick = () => (clock.ms += 1000);
    // A: done with a payload; B: blocked with a question; C: code mode, claimed;
    // D: stale (lease ran out); F: dispatched only; E: ready after A; G: pending.
    const a = await s.dispatch({ runId: "R", taskId: "A", mode: "analysis" });
    tick();
    await inbox.claimThread("w", { threadId: a.thread.id });
    await inbox.completeThread({
      agent: "w",
      threadId: a.thread.id,
      body: "ok\nmultiline",
      payload: { result: [1, 2] },
    });
    const b = await s.dispatch({ runId: "R", taskId: "B", mode: "analysis", to: "w2" });
    await inbox.claimThread("w2", { threadId: b.thread.id });
    await inbox.updateThread({ agent: "w2", threadId: b.thread.id }, {
      status: "blocked",
      body: "Which one?",
    });
    const c = await s.dispatch({ runId: "R", taskId: "C", mode: "code", repoPath: repo });
    await inbox.claimThread("w", { threadId: c.thread.id });
    const d = await s.dispatch({ runId: "R", taskId: "D", mode: "analysis" });
    await inbox.claimThread("w", { threadId: d.thread.id, leaseSeconds: 1 });
    await s.dispatch({ runId: "R", taskId: "F", mode: "analysis" });
    tick();
    tick();
    await s.reconcile("R");
    const view = await s.status("R");
    const fast = await s.statusJson("R");
    assert.deepEqual(
      fast.tasks_json.map((t) => JSON.parse(t)),
      JSON.parse(JSON.stringify(view.tasks)),
    );
    assert.deepEqual(fast.counts, view.counts);
    assert.deepEqual(fast.run, view.run);
    // The view really covers the cases it claims to.
    const by = Object.fromEntries(view.tasks.map((t) => [t.id, t]));
    assert.equal(by["A"]!.status, "done");
    assert.equal(by["B"]!.status, "blocked");
    assert.equal(by["C"]!.latest_attempt!.execution_mode, "code");
    assert.ok(by["C"]!.latest_attempt!.worktree_path);
    assert.equal(by["D"]!.latest_attempt!.stale, true);
    assert.equal(by["E"]!.status, "ready");
    assert.equal(by["G"]!.status, "pending");
    assert.deepEqual(by["G"]!.depends_on, ["B", "F"]);
    assert.equal(by["F"]!.latest_message!.type, "task");
  } finally {
    await db.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("OrchStore.statusJson(): an empty run is an empty array with zero counts", async () => {
  const dir = await Deno.makeTempDir({ prefix: "orch-status-" });
  const db = await openSqlite(join(dir, "coord.db"), { init: true });
  try {
    const s = new OrchStore(db);
    await s.createRun({ runId: "R", goal: "g" });
    const r = await s.statusJson("R");
    assert.deepEqual(r.tasks_json, []);
    assert.equal(r.counts.total, 0);
    assert.equal(r.counts.ready, 0);
  } finally {
    await db.close();
    await Deno.remove(dir, { recursive: true });
  }
});
