/**
 * Code-mode dispatch against a real git repository: one branch and one
 * worktree per attempt, from a committed base, and nothing left behind when
 * anything fails.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { inbox, ok, orch, SQLITE_ONLY } from "./_cli.ts";
import { scalar, withSqlite } from "./_db.ts";
import { git, gitResult } from "./_git.ts";
import {
  assertError,
  attemptBranch,
  attemptPath,
  databaseIdOf,
  exists,
  type Json,
  orchIn,
  rowCounts,
  seedRun,
  tempRepo,
} from "./_orch.ts";

const CODE = ["--execution-mode", "code"];

async function _branches(repo: string): Promise<string[]> {
  return (await git(repo, "for-each-ref", "--format=%(refname:short)", "refs/heads/orch"))
    .split("\n").filter(Boolean);
}

async function _worktrees(repo: string): Promise<string[]> {
  return (await git(repo, "worktree", "list", "--porcelain")).split("\n")
    .filter((l) => l.startsWith("worktree ")).map((l) => l.slice("worktree ".length));
}

async function _readyIds(db: string, run: string): Promise<string[]> {
  return ((await ok(orch(db, "ready", "--run", run)))["tasks"] as Json[]).map((t) =>
    String(t["id"])
  );
}

/** `orch dispatch --run R --task TASK ...args` in the repo (its working directory). */
function _dispatchR(env: { repo: string; db: string }, task: string, ...args: string[]) {
  return orchIn(env.repo, env.db, "dispatch", "--run", "R", "--task", task, ...args);
}

/** Asserts that a failed code dispatch left no trace: same rows, task ready, no dir, no branch. */
async function _assertNothingMade(
  env: { repo: string; db: string },
  before: Record<string, number>,
  path: string,
): Promise<void> {
  assert.deepEqual(await rowCounts(env.db), before);
  assert.deepEqual(await _readyIds(env.db, "R"), ["T"]);
  assert.equal(await exists(path), false, `${path} should not exist`);
  assert.deepEqual(await _branches(env.repo), []);
  assert.deepEqual(await _worktrees(env.repo), [env.repo]);
}

Deno.test("dispatch --execution-mode code: makes a branch and a worktree at the base commit", async () => {
  await using env = await tempRepo();
  await seedRun(env.db, "R", { T: "coder" });
  const head = (await git(env.repo, "rev-parse", "HEAD")).trim();
  // No --repo-path, no --workspace-root, no --base-ref: the working directory's clean HEAD.
  const r = await ok(_dispatchR(env, "T", ...CODE));
  const a = r["attempt"] as Json;
  const path = await attemptPath(join(env.repo, ".orch/worktrees"), env.db, "R", "T");
  const branch = await attemptBranch(env.db, "R", "T");
  assert.match(branch, /^orch\/[0-9a-f]{8}\/R\/T\/attempt-1$/);
  assert.deepEqual(
    [a["repo_path"], a["base_ref"], a["base_commit"], a["branch_name"], a["worktree_path"]],
    [env.repo, "main", head, branch, path],
  );
  assert.equal(a["workspace_status"], "active");
  assert.equal(a["execution_mode"], "code");

  // git agrees.
  assert.deepEqual(await _worktrees(env.repo), [env.repo, path]);
  assert.deepEqual(await _branches(env.repo), [branch]);
  assert.equal((await git(env.repo, "rev-parse", branch)).trim(), head);
  assert.equal((await git(path, "rev-parse", "HEAD")).trim(), head);
  assert.equal((await git(path, "branch", "--show-current")).trim(), branch);
  assert.equal(await git(path, "status", "--porcelain"), "");
  assert.equal(await Deno.readTextFile(join(path, "README.md")), "# test repo\n");

  // The worker sees the same fields in the thread's task payload.
  const shown = await ok(inbox(env.db, "show", "--thread", String(a["thread_id"])));
  const payload = (shown["messages"] as Json[])[0]!["payload"] as Json;
  for (const k of ["repo_path", "base_ref", "base_commit", "branch_name", "worktree_path"]) {
    assert.equal(payload[k], a[k], k);
  }
  assert.equal(payload["execution_mode"], "code");
  assert.equal(payload["attempt_id"], a["id"]);
  const ev = JSON.parse(
    String(await scalar(env.db, "SELECT payload FROM events WHERE type = 'task_dispatched'")),
  ) as Json;
  assert.equal(ev["worktree_path"], path);
  assert.equal(ev["branch_name"], branch);
});

Deno.test("dispatch --execution-mode code: --repo-path and an outside --workspace-root", async () => {
  await using env = await tempRepo();
  await seedRun(env.db, "R", { T: "coder" });
  const root = join(env.dir, "trees");
  const r = await ok(
    orch(
      env.db,
      "dispatch",
      "--run",
      "R",
      "--task",
      "T",
      ...CODE,
      "--repo-path",
      env.repo,
      "--workspace-root",
      root,
    ),
  );
  const path = await attemptPath(root, env.db, "R", "T");
  assert.equal((r["attempt"] as Json)["worktree_path"], path);
  assert.deepEqual(await _worktrees(env.repo), [env.repo, path]);
});

Deno.test("dispatch --execution-mode code: a dirty repo without --base-ref is DIRTY_REPO and writes nothing", async () => {
  await using env = await tempRepo();
  await seedRun(env.db, "R", { T: "coder" });
  const before = await rowCounts(env.db);
  const path = await attemptPath(join(env.repo, ".orch/worktrees"), env.db, "R", "T");
  for (const dirty of ["tracked", "untracked"]) {
    if (dirty === "tracked") await Deno.writeTextFile(join(env.repo, "README.md"), "changed\n");
    else {
      await git(env.repo, "checkout", "-q", "--", "README.md");
      await Deno.writeTextFile(join(env.repo, "new.txt"), "new\n");
    }
    const r = await _dispatchR(env, "T", ...CODE);
    assertError(r, "DIRTY_REPO", 5);
    assert.match(r.json.error!.message, /--base-ref/);
    await _assertNothingMade(env, before, path);
    assert.equal(await exists(join(env.repo, ".orch")), false);
  }
});

Deno.test("dispatch --execution-mode code: an explicit --base-ref works on a dirty repo", async () => {
  await using env = await tempRepo();
  await seedRun(env.db, "R", { T: "coder", U: "coder" });
  const first = (await git(env.repo, "rev-parse", "HEAD")).trim();
  await Deno.writeTextFile(join(env.repo, "second.txt"), "2\n");
  await git(env.repo, "add", "second.txt");
  await git(env.repo, "commit", "-q", "-m", "second");
  const second = (await git(env.repo, "rev-parse", "HEAD")).trim();
  await Deno.writeTextFile(join(env.repo, "README.md"), "uncommitted\n");

  const r = await ok(
    _dispatchR(env, "T", ...CODE, "--base-ref", "main"),
  );
  const a = r["attempt"] as Json;
  assert.equal(a["base_ref"], "main");
  assert.equal(a["base_commit"], second);
  const path = String(a["worktree_path"]);
  // The uncommitted change is not part of the base.
  assert.equal(await Deno.readTextFile(join(path, "README.md")), "# test repo\n");
  assert.equal(await exists(join(path, "second.txt")), true);

  // A commit id as the base.
  const u = await ok(
    _dispatchR(env, "U", ...CODE, "--base-ref", first),
  );
  const ua = u["attempt"] as Json;
  assert.equal(ua["base_commit"], first);
  assert.equal((await git(String(ua["worktree_path"]), "rev-parse", "HEAD")).trim(), first);
  assert.equal(await exists(join(String(ua["worktree_path"]), "second.txt")), false);
});

Deno.test("dispatch --execution-mode code: an unknown --base-ref is BASE_REF_NOT_FOUND and writes nothing", async () => {
  await using env = await tempRepo();
  await seedRun(env.db, "R", { T: "coder" });
  const before = await rowCounts(env.db);
  const path = await attemptPath(join(env.repo, ".orch/worktrees"), env.db, "R", "T");
  for (const ref of ["no-such-branch", "--output=/tmp/x", "main~99"]) {
    const r = await _dispatchR(env, "T", ...CODE, `--base-ref=${ref}`);
    assertError(r, "BASE_REF_NOT_FOUND", 5);
    await _assertNothingMade(env, before, path);
  }
});

Deno.test("dispatch --execution-mode code: an existing worktree path fails and leaves it alone", async () => {
  await using env = await tempRepo();
  await seedRun(env.db, "R", { T: "coder" });
  const before = await rowCounts(env.db);
  const path = await attemptPath(join(env.repo, ".orch/worktrees"), env.db, "R", "T");
  await Deno.mkdir(path, { recursive: true });
  await Deno.writeTextFile(join(path, "keep.txt"), "mine\n");
  // Keep the repo clean: the pre-made directory is under the ignored workspace root.
  const r = await _dispatchR(env, "T", ...CODE);
  assertError(r, "WORKSPACE_ERROR", 5);
  assert.deepEqual(await rowCounts(env.db), before);
  assert.deepEqual(await _readyIds(env.db, "R"), ["T"]);
  assert.equal(await Deno.readTextFile(join(path, "keep.txt")), "mine\n");
  assert.deepEqual(await _branches(env.repo), []);
  assert.deepEqual(await _worktrees(env.repo), [env.repo]);
});

Deno.test("dispatch --execution-mode code: an existing branch of that name with work on it fails and is not moved", async () => {
  await using env = await tempRepo();
  await seedRun(env.db, "R", { T: "coder" });
  await git(env.repo, "checkout", "-q", "-b", await attemptBranch(env.db, "R", "T"));
  await Deno.writeTextFile(join(env.repo, "x.txt"), "x\n");
  await git(env.repo, "add", "x.txt");
  await git(env.repo, "commit", "-q", "-m", "work someone did");
  await git(env.repo, "checkout", "-q", "main");
  const tip = (await git(env.repo, "rev-parse", await attemptBranch(env.db, "R", "T"))).trim();
  const before = await rowCounts(env.db);
  const r = await _dispatchR(env, "T", ...CODE);
  assertError(r, "WORKSPACE_ERROR", 5);
  assert.deepEqual(await rowCounts(env.db), before);
  assert.deepEqual(await _readyIds(env.db, "R"), ["T"]);
  assert.equal(
    (await git(env.repo, "rev-parse", await attemptBranch(env.db, "R", "T"))).trim(),
    tip,
  );
  assert.equal(
    await exists(await attemptPath(join(env.repo, ".orch/worktrees"), env.db, "R", "T")),
    false,
  );
  assert.deepEqual(await _worktrees(env.repo), [env.repo]);
});

Deno.test("dispatch --execution-mode code: a worktree at the attempt's path that this database did not reserve is never taken or removed", async () => {
  await using env = await tempRepo();
  await seedRun(env.db, "R", { T: "coder", U: "coder" });
  // Clean or not, a worktree this database has no reservation for may be
  // someone's live work (another leader, a person): never reclaimed.
  const root = join(env.repo, ".orch/worktrees");
  const leftT = await attemptPath(root, env.db, "R", "T");
  await git(
    env.repo,
    "worktree",
    "add",
    "-q",
    "-b",
    await attemptBranch(env.db, "R", "T"),
    leftT,
    "HEAD",
  );
  const leftU = await attemptPath(root, env.db, "R", "U");
  await git(
    env.repo,
    "worktree",
    "add",
    "-q",
    "-b",
    await attemptBranch(env.db, "R", "U"),
    leftU,
    "HEAD",
  );
  await Deno.writeTextFile(join(leftU, "precious.txt"), "unsaved work\n");

  const before = await rowCounts(env.db);
  for (const task of ["T", "U"]) {
    assertError(await _dispatchR(env, task, ...CODE), "WORKSPACE_ERROR", 5);
  }
  assert.deepEqual(await rowCounts(env.db), before);
  assert.equal(await Deno.readTextFile(join(leftU, "precious.txt")), "unsaved work\n");
  assert.equal(await exists(join(leftT, "README.md")), true);
  assert.deepEqual(await _worktrees(env.repo), [env.repo, leftT, leftU]);
  assert.deepEqual(await _branches(env.repo), [
    await attemptBranch(env.db, "R", "T"),
    await attemptBranch(env.db, "R", "U"),
  ]);
});

Deno.test("dispatch --execution-mode code: a failing checkout hook leaves no half-made worktree", async () => {
  await using env = await tempRepo();
  await seedRun(env.db, "R", { T: "coder" });
  const hook = join(env.repo, ".git/hooks/post-checkout");
  await Deno.writeTextFile(hook, "#!/bin/sh\necho hook refuses >&2\nexit 1\n");
  await Deno.chmod(hook, 0o755);
  const before = await rowCounts(env.db);
  const path = await attemptPath(join(env.repo, ".orch/worktrees"), env.db, "R", "T");
  const r = await _dispatchR(env, "T", ...CODE, "--run-hooks");
  assertError(r, "WORKSPACE_ERROR", 5);
  await _assertNothingMade(env, before, path);
  // Without --run-hooks the hook does not run, so the dispatch goes through.
  await ok(_dispatchR(env, "T", ...CODE));
});

Deno.test({
  name:
    "dispatch --execution-mode code: a database failure after git removes the new worktree and branch",
  ignore: SQLITE_ONLY,
}, async () => {
  await using env = await tempRepo();
  await seedRun(env.db, "R", { T: "coder" });
  withSqlite(env.db, (d) =>
    d.exec(
      "CREATE TRIGGER no_attempts BEFORE INSERT ON attempts BEGIN SELECT RAISE(ABORT, 'attempts are frozen'); END",
    ));
  const before = await rowCounts(env.db);
  const path = await attemptPath(join(env.repo, ".orch/worktrees"), env.db, "R", "T");
  const r = await _dispatchR(env, "T", ...CODE);
  assert.equal(r.json.ok, false);
  assert.notEqual(r.code, 0);
  assert.match(r.json.error!.message, /attempts are frozen/);
  await _assertNothingMade(env, before, path);
});

Deno.test("dispatch --execution-mode code: a database file inside the repo does not make it dirty", async () => {
  await using env = await tempRepo();
  const db = join(env.repo, "coord.db");
  await ok(inbox(db, "init"));
  await seedRun(db, "R", { T: "coder", U: "coder" });
  // Relative --db as in the skill (./coord.db), and WAL side files present.
  const r = await orchIn(env.repo, "./coord.db", "dispatch", "--run", "R", "--task", "T", ...CODE);
  assert.equal(r.json.ok, true, r.stdout);
  assert.equal(await exists(String((r.json["attempt"] as Json)["worktree_path"])), true);
  // An absolute --db from elsewhere too.
  const u = await orch(
    db,
    "dispatch",
    "--run",
    "R",
    "--task",
    "U",
    ...CODE,
    "--repo-path",
    env.repo,
  );
  assert.equal(u.json.ok, true, u.stdout);
  // But another untracked file still counts.
  await seedRun(db, "R2", { T: "coder" });
  await Deno.writeTextFile(join(env.repo, "notes.txt"), "x\n");
  assertError(
    await orchIn(env.repo, db, "dispatch", "--run", "R2", "--task", "T", ...CODE),
    "DIRTY_REPO",
    5,
  );
});

Deno.test("dispatch --execution-mode analysis: no worktree, and code-only flags are refused", async () => {
  await using env = await tempRepo();
  await seedRun(env.db, "R", { T: "w" });
  const before = await rowCounts(env.db);
  for (const flag of [["--base-ref", "main"], ["--workspace-root", "x"]]) {
    assertError(
      await _dispatchR(env, "T", "--execution-mode", "analysis", ...flag),
      "USAGE",
      2,
    );
  }
  assert.deepEqual(await rowCounts(env.db), before);
  const r = await ok(
    _dispatchR(env, "T", "--execution-mode", "analysis"),
  );
  assert.equal((r["attempt"] as Json)["worktree_path"], null);
  assert.equal(await exists(join(env.repo, ".orch")), false);
  assert.deepEqual(await _branches(env.repo), []);
});

Deno.test("dispatch: hostile ids cannot escape the workspace root", async () => {
  await using env = await tempRepo();
  await seedRun(env.db, "R", { T: "coder" });
  const hostile: Array<[string, string]> = [["--task", "../x"], ["--task", "a/b"], [
    "--run",
    "../../etc",
  ]];
  for (const [flag, value] of hostile) {
    const args = flag === "--task"
      ? ["--run", "R", "--task", value]
      : ["--run", value, "--task", "T"];
    const r = await orchIn(env.repo, env.db, "dispatch", ...args, ...CODE);
    assertError(r, "USAGE", 2);
  }
  for (const id of ["../x", "/abs", "-x", ".hidden", "a b"]) {
    assertError(
      await orch(env.db, "task", "add", "--run", "R", `--task=${id}`, "--title", "t"),
      "USAGE",
      2,
    );
  }
  // Ids the parser allows but git or the filesystem would not take verbatim.
  await seedRun(env.db, "R2", { "a..b": "coder", "x.lock": "coder", "a:b@c+d": "coder" });
  const root = join(env.repo, ".orch/worktrees");
  const branches = new Set<string>();
  for (const id of ["a..b", "x.lock", "a:b@c+d"]) {
    const r = await ok(
      orchIn(env.repo, env.db, "dispatch", "--run", "R2", "--task", id, ...CODE),
    );
    const a = r["attempt"] as Json;
    const path = String(a["worktree_path"]);
    assert.ok(path.startsWith(`${root}/${await databaseIdOf(env.db)}/R2/`), path);
    assert.doesNotMatch(path.slice(root.length), /\/\.\.?\//);
    assert.equal(await exists(path), true);
    const check = await gitResult(env.repo, "check-ref-format", `refs/heads/${a["branch_name"]}`);
    assert.equal(check.code, 0, String(a["branch_name"]));
    branches.add(String(a["branch_name"]));
  }
  assert.equal(branches.size, 3);
  assert.equal(await exists(join(env.repo, "x")), false);
});
