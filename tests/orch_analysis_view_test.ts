/**
 * The integrated view of an analysis task whose done code dependencies live
 * in different repositories: without `--repo-path`, the view is of the first
 * dependency's repository and holds only the dependencies of that repository
 * (docs/protocol.md, "Analysis tasks").
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ok } from "./_cli.ts";
import { git, initRepo } from "./_git.ts";
import { type Json, orchIn, seedRun, tempRepo } from "./_orch.ts";
import { dispatchCode, workAndFinish } from "./_code.ts";

Deno.test("analysis view across two repositories: the first dependency's, with only its repository's work", async () => {
  await using env = await tempRepo();
  const other = join(env.dir, "other");
  await initRepo(other);
  await seedRun(env.db, "R", { A: "w", B: "w", Q: "w" }, [["Q", "A"], ["Q", "B"]]);
  await workAndFinish(env.db, await dispatchCode(env.repo, env.db, "R", "A"), { "a.txt": "A\n" });
  await workAndFinish(env.db, await dispatchCode(other, env.db, "R", "B"), { "b.txt": "B\n" });
  const d = await ok(
    orchIn(other, env.db, "dispatch", "--run", "R", "--task", "Q", "--execution-mode", "analysis"),
  );
  const payload = (d["message"] as Json)["payload"] as Json;
  assert.equal(
    payload["repo_path"],
    await Deno.realPath(env.repo),
    "A's repository: A comes first",
  );
  assert.deepEqual((payload["included_deps"] as Json[]).map((x) => x["task_id"]), ["A"]);
  const files = await git(env.repo, "ls-tree", "-r", "--name-only", String(payload["view_ref"]));
  assert.deepEqual(files.trim().split("\n"), ["README.md", "a.txt"]);
});

Deno.test("analysis view with --repo-path: only the dependencies of that repository are stacked", async () => {
  await using env = await tempRepo();
  const other = join(env.dir, "other");
  await initRepo(other);
  await seedRun(env.db, "R", { A: "w", B: "w", Q: "w" }, [["Q", "A"], ["Q", "B"]]);
  await workAndFinish(env.db, await dispatchCode(env.repo, env.db, "R", "A"), { "a.txt": "A\n" });
  await workAndFinish(env.db, await dispatchCode(other, env.db, "R", "B"), { "b.txt": "B\n" });
  const d = await ok(
    orchIn(
      env.repo,
      env.db,
      "dispatch",
      "--run",
      "R",
      "--task",
      "Q",
      "--execution-mode",
      "analysis",
      "--repo-path",
      other,
    ),
  );
  const payload = (d["message"] as Json)["payload"] as Json;
  assert.equal(payload["repo_path"], await Deno.realPath(other));
  assert.deepEqual((payload["included_deps"] as Json[]).map((x) => x["task_id"]), ["B"]);
  const files = await git(other, "ls-tree", "-r", "--name-only", String(payload["view_ref"]));
  assert.deepEqual(files.trim().split("\n"), ["README.md", "b.txt"]);
});
