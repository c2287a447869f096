/**
 * Cleanups running at once, and cleanups racing dispatch and retry: every
 * command succeeds, each attempt is cleaned once with one workspace_cleaned
 * event, and no attempt is marked missing because another process removed it.
 */
import assert from "node:assert/strict";
import { inbox, ok, orch } from "./_cli.ts";
import { isPgUrl, scalar } from "./_db.ts";
import { git } from "./_git.ts";
import { exists, type Json, seedRun, tempRepo } from "./_orch.ts";

type Env = { repo: string; db: string };

async function _dispatch(env: Env, task: string): Promise<Json> {
  const r = await ok(
    orch(
      env.db,
      "dispatch",
      "--run",
      "R",
      "--task",
      task,
      "--execution-mode",
      "code",
      "--repo-path",
      env.repo,
    ),
  );
  return r["attempt"] as Json;
}

async function _finish(env: Env, a: Json, how: "done" | "fail"): Promise<void> {
  const ref = ["--agent", String(a["assigned_to"]), "--thread", String(a["thread_id"])];
  await ok(inbox(env.db, "claim", ...ref));
  await ok(inbox(env.db, how, ...ref, ...(how === "done" ? ["--body", "ok"] : ["--reason", "no"])));
}

Deno.test("cleanup: eight at once clean each finished attempt exactly once", async () => {
  await using env = await tempRepo();
  const tasks = Array.from({ length: 10 }, (_, i) => `T${i}`);
  await seedRun(env.db, "R", Object.fromEntries(tasks.map((t) => [t, "w"])));
  const attempts: Json[] = [];
  for (const t of tasks) {
    const a = await _dispatch(env, t);
    await _finish(env, a, "done");
    attempts.push(a);
  }
  const runs = await Promise.all(
    Array.from({ length: 8 }, () => orch(env.db, "cleanup", "--run", "R", "--all-completed")),
  );
  const cleaned: number[] = [];
  for (const r of runs) {
    assert.equal(r.json.ok, true, r.stdout + r.stderr);
    assert.deepEqual(r.json["refused"], []);
    for (const a of r.json["cleaned"] as Json[]) {
      assert.equal(a["workspace_status"], "cleaned");
      cleaned.push(Number(a["id"]));
    }
  }
  assert.deepEqual(cleaned.sort((x, y) => x - y), attempts.map((a) => Number(a["id"])));
  assert.equal(
    await scalar(env.db, "SELECT COUNT(*) FROM events WHERE type = 'workspace_cleaned'"),
    10,
  );
  assert.equal(
    await scalar(env.db, "SELECT COUNT(*) FROM attempts WHERE workspace_status = 'cleaned'"),
    10,
  );
  for (const a of attempts) assert.equal(await exists(String(a["worktree_path"])), false);
  // Idempotent: once more changes nothing.
  const again = await ok(orch(env.db, "cleanup", "--run", "R", "--all-completed"));
  assert.deepEqual([again["cleaned"], again["refused"]], [[], []]);
});

Deno.test("cleanup: racing dispatch and retry loses nothing and marks nothing missing", async () => {
  await using env = await tempRepo();
  const finished = Array.from({ length: 6 }, (_, i) => `D${i}`);
  const failed = Array.from({ length: 3 }, (_, i) => `F${i}`);
  const fresh = Array.from({ length: 3 }, (_, i) => `N${i}`);
  await seedRun(
    env.db,
    "R",
    Object.fromEntries([...finished, ...failed, ...fresh].map((t) => [t, "w"])),
  );
  for (const t of finished) await _finish(env, await _dispatch(env, t), "done");
  for (const t of failed) await _finish(env, await _dispatch(env, t), "fail");

  const results = await Promise.all([
    ...Array.from({ length: 4 }, () => orch(env.db, "cleanup", "--run", "R", "--all-completed")),
    ...fresh.map((t) =>
      orch(
        env.db,
        "dispatch",
        "--run",
        "R",
        "--task",
        t,
        "--execution-mode",
        "code",
        "--repo-path",
        env.repo,
      )
    ),
    ...failed.map((t) => orch(env.db, "retry", "--run", "R", "--task", t)),
  ]);
  for (const r of results) assert.equal(r.json.ok, true, r.stdout + r.stderr);

  // Finished attempts: cleaned once each; the failed tasks' first attempts may be cleaned too
  // (a failed task is final until it is retried), but never missing and never twice.
  assert.equal(
    await scalar(env.db, "SELECT COUNT(*) FROM attempts WHERE workspace_status = 'missing'"),
    0,
  );
  const events = Number(
    await scalar(env.db, "SELECT COUNT(*) FROM events WHERE type = 'workspace_cleaned'"),
  );
  assert.equal(
    events,
    Number(
      await scalar(env.db, "SELECT COUNT(*) FROM attempts WHERE workspace_status = 'cleaned'"),
    ),
  );
  assert.equal(
    Number(
      await scalar(
        env.db,
        `SELECT COUNT(*) FROM (SELECT ${
          isPgUrl(env.db) ? "payload::json->>'attempt_id'" : "json_extract(payload, '$.attempt_id')"
        } AS a FROM events WHERE type = 'workspace_cleaned' GROUP BY 1 HAVING COUNT(*) > 1) d`,
      ),
    ),
    0,
  );
  // Every live attempt (new dispatches and retries) still has its worktree, checked out and clean.
  const status = await ok(orch(env.db, "status", "--run", "R"));
  for (const t of status["tasks"] as Json[]) {
    const a = t["latest_attempt"] as Json;
    if (a["status"] !== "dispatched") continue;
    assert.equal(a["workspace_status"], "active", String(t["id"]));
    assert.equal(await git(String(a["worktree_path"]), "status", "--porcelain"), "");
  }
  assert.equal(await scalar(env.db, "SELECT COUNT(*) FROM workspace_reservations"), 0);
});
