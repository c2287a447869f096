/**
 * Issue 7 item 1: a code attempt's `done` is verified by reconcile (clean
 * worktree, commits past the start) before its task counts as done; what is
 * not accepted blocks the task with a reason, and the work stays.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { cli, inbox, ok } from "./_cli.ts";
import { scalar } from "./_db.ts";
import { git } from "./_git.ts";
import { assertError, exists, type Json, orchIn, seedRun, tempRepo } from "./_orch.ts";
import {
  claimAndFinish,
  commitIn,
  dispatchAnalysis,
  dispatchAndFinish,
  dispatchCode,
  statusOf,
} from "./_code.ts";

Deno.test("accept: committed work is accepted with its head commit, counts and an event", async () => {
  await using env = await tempRepo();
  await seedRun(env.db, "R", { A: "w", B: "w" }, [["B", "A"]]);
  const a = await dispatchAndFinish(
    env.repo,
    env.db,
    "R",
    "A",
    {
      "a.txt": "A\n",
      "lib/a2.txt": "A2\n",
    },
    "--body",
    "Added a and a2",
  );
  const head = (await git(env.repo, "rev-parse", a.branch)).trim();

  const s = await statusOf(env.repo, env.db, "R");
  const task = s.tasks.get("A")!;
  assert.equal(task["status"], "done");
  const result = (task["latest_attempt"] as Json)["result"] as Json;
  assert.equal(result["status"], "accepted");
  assert.equal(result["reason"], null);
  assert.equal(result["head_commit"], head);
  assert.equal(result["commits_ahead"], 1);
  assert.equal(result["files_changed"], 2);
  assert.equal(s.tasks.get("B")!["status"], "ready", "the dependent is ready once A is accepted");

  const w = await ok(orchIn(env.repo, env.db, "wait", "--run", "R", "--for", "task_accepted"));
  const ev = (w["events"] as Json[])[0]!;
  assert.equal(ev["task_id"], "A");
  assert.equal((ev["payload"] as Json)["head_commit"], head);
  // task_done says what the worker said, as an analysis task's does, stamped when it said it.
  const d = await ok(orchIn(env.repo, env.db, "wait", "--run", "R", "--for", "task_done"));
  const done = (d["events"] as Json[])[0]!;
  const p = done["payload"] as Json;
  assert.deepEqual([p["holder"], p["summary"], p["result"]], ["w", "Added a and a2", "accepted"]);
  const threadDone = await scalar(
    env.db,
    "SELECT id FROM events WHERE type = 'thread_done' AND task_id = 'A'",
  );
  assert.equal(p["thread_event_id"], threadDone);
  assert.equal(
    done["ts"],
    await scalar(env.db, "SELECT ts FROM events WHERE id = ?", Number(threadDone)),
  );
  assert.equal(typeof p["message_id"], "number");
  assert.equal(typeof p["recorded_at"], "string");
  // Idempotent: reconciling again changes nothing.
  const again = await ok(orchIn(env.repo, env.db, "reconcile", "--run", "R"));
  assert.deepEqual(again["changes"], []);
});

Deno.test("accept: uncommitted work blocks the task (UNCOMMITTED_CHANGES), keeps the files, and is accepted once committed", async () => {
  await using env = await tempRepo();
  await seedRun(env.db, "R", { A: "w" });
  const a = await dispatchCode(env.repo, env.db, "R", "A");
  await ok(inbox(env.db, "claim", ...a.ref));
  await commitIn(a.worktree, { "a.txt": "one\n" });
  await Deno.writeTextFile(join(a.worktree, "left.txt"), "not committed\n");
  await ok(inbox(env.db, "done", ...a.ref));

  const s = await statusOf(env.repo, env.db, "R");
  const task = s.tasks.get("A")!;
  assert.equal(task["status"], "blocked");
  const result = (task["latest_attempt"] as Json)["result"] as Json;
  assert.deepEqual([result["status"], result["reason"]], [
    "needs_attention",
    "UNCOMMITTED_CHANGES",
  ]);
  assert.equal(s.run["status"], "active", "a run with unaccepted work is not complete");

  const blocked = await ok(orchIn(env.repo, env.db, "blocked", "--run", "R"));
  const item = (blocked["blocked"] as Json[])[0]!;
  assert.equal((item["attention"] as Json)["reason"], "UNCOMMITTED_CHANGES");
  assert.match(String((item["attention"] as Json)["message"]), /uncommitted changes/);
  const w = await ok(
    orchIn(env.repo, env.db, "wait", "--run", "R", "--for", "task_needs_attention"),
  );
  const payload = ((w["events"] as Json[])[0]!["payload"]) as Json;
  assert.deepEqual(payload["dirty_paths"], ["left.txt"]);
  assert.deepEqual([payload["holder"], payload["no_changes"]], ["w", false]);
  // An answer is not what it needs; cleanup keeps the work.
  assertError(
    await orchIn(env.repo, env.db, "answer", "--run", "R", "--task", "A", "--body", "x"),
    "INVALID_STATE",
    4,
  );
  assertError(
    await orchIn(env.repo, env.db, "cleanup", "--run", "R", "--task", "A"),
    "WORKTREE_DIRTY",
    5,
  );
  assert.equal(await Deno.readTextFile(join(a.worktree, "left.txt")), "not committed\n");

  // Committing the left-over work settles it on the next reconcile.
  await commitIn(a.worktree, {}, "the rest");
  const after = await statusOf(env.repo, env.db, "R");
  assert.equal(after.tasks.get("A")!["status"], "done");
  const r2 = (after.tasks.get("A")!["latest_attempt"] as Json)["result"] as Json;
  assert.deepEqual([r2["status"], r2["commits_ahead"], r2["files_changed"]], ["accepted", 2, 2]);
  assert.equal(after.run["status"], "completed");
});

Deno.test("accept: done without commits is NO_COMMITS and can be retried; done --no-changes is accepted as such", async () => {
  await using env = await tempRepo();
  await seedRun(env.db, "R", { A: "w", B: "w" });
  await dispatchAndFinish(env.repo, env.db, "R", "A", {});
  await dispatchAndFinish(env.repo, env.db, "R", "B", {}, "--no-changes");

  const s = await statusOf(env.repo, env.db, "R");
  const ra = (s.tasks.get("A")!["latest_attempt"] as Json)["result"] as Json;
  assert.deepEqual([s.tasks.get("A")!["status"], ra["status"], ra["reason"]], [
    "blocked",
    "needs_attention",
    "NO_COMMITS",
  ]);
  const rb = (s.tasks.get("B")!["latest_attempt"] as Json)["result"] as Json;
  assert.deepEqual([s.tasks.get("B")!["status"], rb["status"], rb["commits_ahead"]], [
    "done",
    "no_changes",
    0,
  ]);
  const table = await cli("orch", ["--db", env.db, "status", "--run", "R"], { cwd: env.repo });
  assert.match(table.stdout, /blocked \(NO_COMMITS\)/);

  const retried = await ok(orchIn(env.repo, env.db, "retry", "--run", "R", "--task", "A"));
  assert.equal((retried["attempt"] as Json)["n"], 2);
  assert.equal(await exists(String((retried["attempt"] as Json)["worktree_path"])), true);
});

Deno.test("accept: an analysis task is done on the worker's word", async () => {
  await using env = await tempRepo();
  await seedRun(env.db, "R", { A: "w" });
  await claimAndFinish(env.db, await dispatchAnalysis(env.repo, env.db, "R", "A"));
  const s = await statusOf(env.repo, env.db, "R");
  assert.equal(s.tasks.get("A")!["status"], "done");
  assert.equal((s.tasks.get("A")!["latest_attempt"] as Json)["result"], null);
});
