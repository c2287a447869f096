/** Issue 7 item 6: cleanup never deletes a branch whose commits are nowhere else. */
import assert from "node:assert/strict";
import { inbox, ok } from "./_cli.ts";
import { git, gitResult } from "./_git.ts";
import { type Json, orchIn, seedRun, tempRepo } from "./_orch.ts";
import { commitIn, dispatchCode, workAndFinish } from "./_code.ts";

Deno.test("cleanup --delete-branches: merged and empty branches go, unmerged ones stay unless --force", async () => {
  await using env = await tempRepo();
  await seedRun(env.db, "R", { A: "w", B: "w", C: "w" });
  await git(env.repo, "branch", "integration", "main");
  const a = await dispatchCode(env.repo, env.db, "R", "A");
  await workAndFinish(env.db, a, { "a.txt": "A\n" });
  const b = await dispatchCode(env.repo, env.db, "R", "B");
  await ok(inbox(env.db, "claim", ...b.ref));
  await ok(inbox(env.db, "fail", ...b.ref, "--reason", "gave up before writing anything"));
  const c = await dispatchCode(env.repo, env.db, "R", "C");
  await ok(inbox(env.db, "claim", ...c.ref));
  await commitIn(c.worktree, { "c.txt": "half done\n" });
  await ok(inbox(env.db, "fail", ...c.ref, "--reason", "ran out of time"));
  await ok(orchIn(env.repo, env.db, "merge", "--run", "R", "--into", "integration"));

  // Without the flag, branches are never touched.
  const plain = await ok(orchIn(env.repo, env.db, "cleanup", "--run", "R", "--all-completed"));
  assert.deepEqual([plain["branches_deleted"], plain["branches_kept"]], [[], []]);
  for (const x of [a, b, c]) await git(env.repo, "rev-parse", "--verify", x.branch);

  const r = await ok(
    orchIn(env.repo, env.db, "cleanup", "--run", "R", "--all-completed", "--delete-branches"),
  );
  assert.deepEqual(
    (r["branches_deleted"] as Json[]).map((d) => [d["task_id"], d["why"]]),
    [["A", "merged"], ["B", "empty"]],
  );
  const kept = r["branches_kept"] as Json[];
  assert.deepEqual(kept.map((k) => [k["task_id"], k["reason"], k["commits_ahead"]]), [
    ["C", "UNMERGED_COMMITS", 1],
  ]);
  assert.notEqual((await gitResult(env.repo, "rev-parse", "--verify", "-q", a.branch)).code, 0);
  assert.notEqual((await gitResult(env.repo, "rev-parse", "--verify", "-q", b.branch)).code, 0);
  assert.equal(await git(env.repo, "show", `${c.branch}:c.txt`), "half done\n");

  const forced = await ok(
    orchIn(
      env.repo,
      env.db,
      "cleanup",
      "--run",
      "R",
      "--all-completed",
      "--delete-branches",
      "--force",
    ),
  );
  assert.deepEqual(
    (forced["branches_deleted"] as Json[]).map((d) => [d["task_id"], d["why"], d["head_commit"]]),
    [["C", "forced", kept[0]!["head_commit"]]],
  );
  assert.notEqual((await gitResult(env.repo, "rev-parse", "--verify", "-q", c.branch)).code, 0);
});
