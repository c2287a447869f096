/**
 * The integrated view of an analysis task whose done code dependencies live
 * in different repositories: the view is of the repository `--repo-path`
 * names, else of the first dependency's, and holds only the dependencies of
 * that repository (docs/protocol.md, "Analysis tasks").
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { inbox, ok } from "./_cli.ts";
import { git, initRepo } from "./_git.ts";
import { type Json, orchIn, seedRun, tempRepo } from "./_orch.ts";
import { attemptOf, dispatch, dispatchCode, workAndFinish } from "./_code.ts";

/**
 * Run R: A done in `env.repo` (a.txt), B done in a second repository `other`
 * (b.txt), and Q, which depends on both (A first), ready for its analysis.
 */
async function twoRepositories(env: { dir: string; repo: string; db: string }): Promise<string> {
  const other = join(env.dir, "other");
  await initRepo(other);
  await seedRun(env.db, "R", { A: "w", B: "w", Q: "w" }, [["Q", "A"], ["Q", "B"]]);
  await workAndFinish(env.db, await dispatchCode(env.repo, env.db, "R", "A"), { "a.txt": "A\n" });
  await workAndFinish(env.db, await dispatchCode(other, env.db, "R", "B"), { "b.txt": "B\n" });
  return other;
}

/** Q's view: its repository, the dependencies it holds, and the files of its commit. */
async function viewOfQ(
  cwd: string,
  db: string,
  ...extra: string[]
): Promise<{ repo: string; deps: unknown[]; files: string[] }> {
  const d = await ok(dispatch(cwd, db, "R", "Q", "analysis", ...extra));
  const payload = (d["message"] as Json)["payload"] as Json;
  const repo = String(payload["repo_path"]);
  const files = await git(repo, "ls-tree", "-r", "--name-only", String(payload["view_ref"]));
  return {
    repo,
    deps: (payload["included_deps"] as Json[]).map((x) => x["task_id"]),
    files: files.trim().split("\n"),
  };
}

Deno.test("analysis view across two repositories: the first dependency's, with only its repository's work", async () => {
  await using env = await tempRepo();
  const other = await twoRepositories(env);
  const view = await viewOfQ(other, env.db);
  assert.equal(view.repo, await Deno.realPath(env.repo), "A's repository: A comes first");
  assert.deepEqual(view.deps, ["A"]);
  assert.deepEqual(view.files, ["README.md", "a.txt"]);
});

Deno.test("analysis view with --repo-path: only the dependencies of that repository are stacked", async () => {
  await using env = await tempRepo();
  const other = await twoRepositories(env);
  const view = await viewOfQ(env.repo, env.db, "--repo-path", other);
  assert.equal(view.repo, await Deno.realPath(other));
  assert.deepEqual(view.deps, ["B"]);
  assert.deepEqual(view.files, ["README.md", "b.txt"]);
});

/** The view in a retry's or reassign's answer: its ref's attempt, the dependencies, the files. */
async function viewIn(answer: Json) {
  const payload = (answer["message"] as Json)["payload"] as Json;
  const ref = payload["view_ref"];
  assert.equal(typeof ref, "string", "the new attempt has a view");
  const files = await git(String(payload["repo_path"]), "ls-tree", "-r", "--name-only", `${ref}`);
  return {
    repo: payload["repo_path"],
    attempt: String(ref).split("/").at(-1),
    deps: (payload["included_deps"] as Json[]).map((x) => x["task_id"]),
    files: files.trim().split("\n"),
  };
}

Deno.test("reassign and retry of an analysis task give the new attempt its view again", async () => {
  await using env = await tempRepo();
  const other = await twoRepositories(env);
  const first = await viewOfQ(env.repo, env.db, "--repo-path", other);
  const reassigned = await ok(
    orchIn(env.repo, env.db, "reassign", "--run", "R", "--task", "Q", "--to", "w2"),
  );
  const second = await viewIn(reassigned);
  assert.deepEqual(second, { ...first, attempt: "attempt-2" });
  // The second reviewer gives up; a retry gets a third view, of the same repository and work.
  const a2 = attemptOf(reassigned);
  await ok(inbox(env.db, "claim", ...a2.ref));
  await ok(inbox(env.db, "fail", ...a2.ref, "--reason", "no time"));
  const retried = await ok(orchIn(env.repo, env.db, "retry", "--run", "R", "--task", "Q"));
  assert.deepEqual(await viewIn(retried), { ...first, attempt: "attempt-3" });
});

Deno.test("a reassigned analysis task that started from the bare HEAD (--from-base) does so again", async () => {
  await using env = await tempRepo();
  const other = await twoRepositories(env);
  const first = await viewOfQ(env.repo, env.db, "--repo-path", other, "--from-base");
  assert.deepEqual(first.deps, []);
  const reassigned = await ok(
    orchIn(env.repo, env.db, "reassign", "--run", "R", "--task", "Q", "--to", "w2"),
  );
  assert.deepEqual(await viewIn(reassigned), { ...first, attempt: "attempt-2" });
});
