/**
 * Issue 7 item 9: `orch merge` killed with SIGKILL at random points leaves the
 * target branch fully before or fully after (never half merged), and the next
 * `cleanup` removes the integration worktree it left behind.
 */
import assert from "node:assert/strict";
import { ok } from "./_cli.ts";
import { git } from "./_git.ts";
import { type Json, orchIn, seedRun, tempRepo } from "./_orch.ts";
import { spawnCli } from "./_spawn.ts";
import { dispatchCode, statusOf, workAndFinish } from "./_code.ts";
import { soakRounds } from "./_soak.ts";

const TASKS = ["A", "B", "C", "D"];
const KILLS = soakRounds(8);

async function filesAt(repo: string, ref: string): Promise<string[]> {
  return (await git(repo, "ls-tree", "-r", "--name-only", ref)).trim().split("\n").sort();
}

Deno.test("merge killed with SIGKILL: the target is fully before or after; cleanup removes the debris", async () => {
  await using env = await tempRepo();
  await seedRun(env.db, "R", Object.fromEntries(TASKS.map((t) => [t, "w"])), [["B", "A"]]);
  for (const t of TASKS) {
    await workAndFinish(env.db, await dispatchCode(env.repo, env.db, "R", t), {
      [`${t}.txt`]: `${t}\n`,
    });
  }
  await ok(orchIn(env.repo, env.db, "reconcile", "--run", "R"));
  await git(env.repo, "branch", "integration", "main");
  const before = (await git(env.repo, "rev-parse", "integration")).trim();
  const all = ["README.md", ...TASKS.map((t) => `${t}.txt`)].sort();
  const mergeArgs = ["--db", env.db, "--json", "merge", "--run", "R", "--repo-path", env.repo];
  mergeArgs.push("--check", "true");

  // How long one command takes to start here: the kill points spread over a few of those.
  const t0 = performance.now();
  await ok(orchIn(env.repo, env.db, "status", "--run", "R"));
  const spread = (performance.now() - t0) * 4;

  for (let i = 0; i < KILLS; i++) {
    // A fresh target each time, so every attempt has the whole queue to merge.
    const target = `integration-${i}`;
    await git(env.repo, "branch", target, "main");
    const p = spawnCli("orch", [...mergeArgs, "--into", target]);
    await new Promise((r) => setTimeout(r, Math.random() * spread));
    p.killIfRunning("SIGKILL");
    await p.child.status;
    await p.child.stdout.cancel();
    await p.child.stderr.cancel();
    const head = (await git(env.repo, "rev-parse", target)).trim();
    if (head !== before) {
      assert.deepEqual(await filesAt(env.repo, head), all, `kill ${i}: half merged`);
    }
    await ok(orchIn(env.repo, env.db, "cleanup", "--run", "R", "--all-completed"));
    assert.doesNotMatch(
      await git(env.repo, "worktree", "list", "--porcelain"),
      /\.merge/,
      `kill ${i}: an integration worktree survived cleanup`,
    );
  }
  // A last merge that runs to the end: everything is merged and recorded.
  await ok(orchIn(env.repo, env.db, ...mergeArgs.slice(3), "--into", "integration"));
  assert.deepEqual(await filesAt(env.repo, "integration"), all);
  const s = await statusOf(env.repo, env.db, "R");
  for (const t of TASKS) {
    assert.equal(
      ((s.tasks.get(t)!["latest_attempt"] as Json)["merge"] as Json)["status"],
      "merged",
    );
  }
  const again = await ok(orchIn(env.repo, env.db, "merge", "--run", "R", "--into", "integration"));
  assert.deepEqual(again["merged"], []);
});
