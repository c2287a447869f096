/** Issue 7 item 4: `orch diff` and the commits/merged column of `status`. */
import assert from "node:assert/strict";
import { cli, ok } from "./_cli.ts";
import { assertError, type Json, orchIn, seedRun, tempRepo } from "./_orch.ts";
import { claimAndFinish, commitIn, dispatchAnalysis, dispatchCode } from "./_code.ts";

Deno.test("diff: files with status and counts, commits, patch unless --stat; status shows commits ahead", async () => {
  await using env = await tempRepo();
  await seedRun(env.db, "R", { A: "w", N: "w" });
  const a = await dispatchCode(env.repo, env.db, "R", "A");
  await commitIn(a.worktree, { "src/mod.ts": "export const x = 1;\n" }, "add mod");
  await commitIn(a.worktree, { "README.md": "# changed\n" }, "edit readme");

  const d = await ok(orchIn(env.repo, env.db, "diff", "--run", "R", "--task", "A"));
  assert.equal(d["from"], a.attempt["base_commit"]);
  assert.deepEqual((d["commits"] as Json[]).map((c) => c["subject"]), ["add mod", "edit readme"]);
  assert.deepEqual(
    (d["files"] as Json[]).map((f) => [f["path"], f["status"], f["insertions"], f["deletions"]]),
    [["README.md", "modified", 1, 1], ["src/mod.ts", "added", 1, 0]],
  );
  assert.match(String(d["patch"]), /\+export const x = 1;/);
  assert.equal(d["worktree"], "clean");

  const human = await cli("orch", ["--db", env.db, "diff", "--run", "R", "--task", "A"], {
    cwd: env.repo,
  });
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, /2 commit\(s\), 2 file\(s\) \+2 -1/);
  assert.match(human.stdout, /src\/mod\.ts \| 1 \+/);
  assert.match(human.stdout, /^\+export const x = 1;$/m);
  const stat = await cli("orch", ["--db", env.db, "diff", "--run", "R", "--task", "A", "--stat"], {
    cwd: env.repo,
  });
  assert.match(stat.stdout, /src\/mod\.ts \| 1 \+/);
  assert.doesNotMatch(stat.stdout, /export const x/);
  const statJson = await ok(
    orchIn(env.repo, env.db, "diff", "--run", "R", "--task", "A", "--stat"),
  );
  assert.equal(statJson["patch"], null);

  // The status table shows commits ahead (as verified) and the merge state.
  await claimAndFinish(env.db, a);
  const table = await cli("orch", ["--db", env.db, "status", "--run", "R"], { cwd: env.repo });
  assert.match(table.stdout, /COMMITS/);
  assert.match(table.stdout, /^A\s+done\s+.*2 ahead, not merged/m);

  assertError(
    await orchIn(env.repo, env.db, "diff", "--run", "R", "--task", "A", "--attempt", "2"),
    "ATTEMPT_NOT_FOUND",
    3,
  );
  assertError(
    await orchIn(env.repo, env.db, "diff", "--run", "R", "--task", "N"),
    "ATTEMPT_NOT_FOUND",
    3,
  );
  await dispatchAnalysis(env.repo, env.db, "R", "N");
  assertError(
    await orchIn(env.repo, env.db, "diff", "--run", "R", "--task", "N"),
    "INVALID_STATE",
    4,
  );
});
