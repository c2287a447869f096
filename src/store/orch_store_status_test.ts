import assert from "node:assert/strict";
import { join } from "node:path";
import { gitWorkspaces } from "../cli/orch/git_workspaces.ts";
import { openSqlite } from "../storage/sqlite/open_sqlite.ts";
import { openStorage } from "../storage/open_storage.ts";
import type { Db } from "../storage/db.ts";
import { PG_SKIP, withPgDatabase } from "../../tests/_pg.ts";
import { initRepo } from "../../tests/_git.ts";
import type { Clock } from "./clock.ts";
import { OrchStore } from "./orch_store.ts";

class SteppingClock implements Clock {
  ms = Date.parse("2026-01-01T00:00:00.000Z");
  now(): Date {
    return new Date(this.ms);
  }
}

/**
 * Run "R" with every kind of task: done with a payload, blocked on its second attempt, code mode
 * claimed, stale, dispatched only, ready after a done dependency, pending, and dependencies added
 * out of creation order both ways (`addDep`, `addTask` with `dependsOn`).
 */
async function _everyKindOfTask(s: OrchStore, repo: string, clock: SteppingClock): Promise<void> {
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
  // Dependencies given when the task is added, out of creation order.
  await add("H", { dependsOn: ["F", "A"] });
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
  // A second attempt of B: the first one failed; the latest is attempt 2.
  const b1 = await s.dispatch({ runId: "R", taskId: "B", mode: "analysis", to: "w2" });
  await inbox.claimThread("w2", { threadId: b1.thread.id });
  await inbox.failThread({ agent: "w2", threadId: b1.thread.id, body: "no" });
  await s.reconcile("R");
  const b = await s.retry({ runId: "R", taskId: "B" });
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
}

/** statusJson parsed equals the object view; the view really covers the cases it claims to. */
async function _assertStatusViewsAgree(s: OrchStore): Promise<void> {
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
  assert.deepEqual(by["H"]!.depends_on, ["A", "F"]);
  assert.equal(by["B"]!.latest_attempt!.n, 2);
  assert.equal(by["B"]!.latest_message!.body, "Which one?");
  assert.equal(by["F"]!.latest_message!.type, "task");
}

type Backend = "sqlite" | "postgres";

/**
 * A store on a fresh database (a SQLite file in a temp folder, or a PostgreSQL database from
 * TEST_PG_URL) with a git repository, for `body`. `reopen` opens the same database again.
 */
async function _withStore(
  backend: Backend,
  body: (
    s: OrchStore,
    ctx: {
      repo: string;
      clock: SteppingClock;
      reopen: () => Promise<Db>;
      /** Runs each `;`-separated statement of `sql` on the store's connection. */
      rawExec: (sql: string) => Promise<void>;
    },
  ) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "orch-status-" });
  const repo = join(dir, "repo");
  await initRepo(repo);
  const file = join(dir, "coord.db");
  const clock = new SteppingClock();
  const run = async (target: string) => {
    const db = await openStorage(target, { init: true });
    try {
      const s = new OrchStore(db, {
        clock,
        workspaces: gitWorkspaces(backend === "sqlite" ? { dbPath: file } : {}),
      });
      await body(s, {
        repo,
        clock,
        reopen: () => openStorage(target),
        rawExec: async (sql) => {
          for (const statement of sql.split(";").map((x) => x.trim()).filter(Boolean)) {
            await db.run(statement);
          }
        },
      });
    } finally {
      await db.close();
    }
  };
  try {
    if (backend === "postgres") await withPgDatabase(run);
    else await run(file);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

for (const backend of ["sqlite", "postgres"] as const) {
  const ignore = backend === "postgres" && PG_SKIP;

  Deno.test({
    name: `OrchStore.statusJson() on ${backend}: equals the object view for every kind of task`,
    ignore,
    fn: () =>
      _withStore(backend, async (s, { repo, clock }) => {
        await _everyKindOfTask(s, repo, clock);
        await _assertStatusViewsAgree(s);
      }),
  });

  Deno.test({
    name: `migration 008 on ${backend} fills the status columns of a database made before it`,
    ignore,
    fn: () =>
      _withStore(backend, async (s, { repo, clock, reopen, rawExec }) => {
        await _everyKindOfTask(s, repo, clock);
        const before = (await s.statusJson("R")).tasks_json;
        // The database as a program before migration 008 left it.
        const triggers = ["deps", "attempts", "messages"].map((t) =>
          backend === "sqlite"
            ? `DROP TRIGGER ${t}_status_insert;`
            : `DROP TRIGGER ${t}_status_insert ON ${t}; DROP FUNCTION ${t}_status_sync;`
        ).join("\n");
        await rawExec(`${triggers}
          ${backend === "sqlite" ? "" : "DROP FUNCTION task_depends_on_json;"}
          ALTER TABLE tasks DROP COLUMN depends_on_json;
          ALTER TABLE tasks DROP COLUMN latest_attempt_id;
          ALTER TABLE threads DROP COLUMN last_message_id;
          DELETE FROM schema_migrations WHERE id = 8;
          ${
          backend === "sqlite" ? "PRAGMA user_version = 7" : "UPDATE schema_version SET version = 7"
        }`);
        const db = await reopen();
        try {
          const old = new OrchStore(db, { clock });
          assert.deepEqual((await old.statusJson("R")).tasks_json, before);
          await _assertStatusViewsAgree(old);
        } finally {
          await db.close();
        }
      }),
  });
}

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
