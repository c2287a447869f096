import assert from "node:assert/strict";
import { join } from "node:path";
import { assertAppError } from "./_assert_app_error.ts";
import { exists, makeTempRepo, type TempRepo } from "./_testing.ts";
import { createWorktree, parseWorktreeList, removeWorktree, worktreeState } from "./worktree.ts";

const BRANCH = "orch/r1/T1/attempt-1";

function wtPath(t: TempRepo): string {
  return join(t.repo, ".orch", "worktrees", "r1", "T1", "attempt-1");
}

function branches(t: TempRepo): string[] {
  return t.git("for-each-ref", "--format=%(refname)", "refs/heads/").split("\n").filter((s) =>
    s !== ""
  );
}

function registeredPaths(t: TempRepo): string[] {
  return parseWorktreeList(t.git("worktree", "list", "--porcelain", "-z")).map((e) => e.path);
}

/** Creates the standard attempt worktree and returns its path. */
function create(t: TempRepo, runHooks = false): string {
  const path = wtPath(t);
  createWorktree({
    repo: t.repo,
    branch: BRANCH,
    path,
    commit: t.git("rev-parse", "HEAD"),
    runHooks,
  });
  return path;
}

Deno.test("createWorktree() makes the branch at the commit and checks it out at the path", () => {
  using t = makeTempRepo();
  const base = t.git("rev-parse", "HEAD");
  t.write("README.md", "second\n");
  t.git("commit", "--quiet", "-am", "second");

  const path = wtPath(t);
  createWorktree({ repo: t.repo, branch: BRANCH, path, commit: base });

  assert.equal(t.git("rev-parse", `refs/heads/${BRANCH}`), base);
  assert.equal(Deno.readTextFileSync(join(path, "README.md")), "hello\n");
  assert.equal(
    new TextDecoder().decode(
      new Deno.Command("git", { args: ["symbolic-ref", "HEAD"], cwd: path, stdout: "piped" })
        .outputSync().stdout,
    ).trim(),
    `refs/heads/${BRANCH}`,
  );
  assert.ok(registeredPaths(t).includes(path));
  assert.equal(worktreeState(path), "clean");
});

Deno.test("createWorktree() refuses an existing path and leaves everything as it was", () => {
  using t = makeTempRepo();
  const path = wtPath(t);
  Deno.mkdirSync(path, { recursive: true });
  Deno.writeTextFileSync(join(path, "keep.txt"), "mine\n");

  const err = assertAppError(() => create(t), "WORKSPACE_ERROR");
  assert.equal(err.message, `Worktree path "${path}" already exists`);
  assert.equal(Deno.readTextFileSync(join(path, "keep.txt")), "mine\n");
  assert.deepEqual(branches(t), ["refs/heads/main"]);
  assert.deepEqual(registeredPaths(t), [t.repo]);
});

Deno.test("createWorktree() refuses an existing branch and leaves it untouched", () => {
  using t = makeTempRepo();
  const head = t.git("rev-parse", "HEAD");
  t.git("branch", BRANCH);
  t.write("README.md", "second\n");
  t.git("commit", "--quiet", "-am", "second");

  const path = wtPath(t);
  const err = assertAppError(
    () => createWorktree({ repo: t.repo, branch: BRANCH, path, commit: "HEAD" }),
    "WORKSPACE_ERROR",
  );
  assert.equal(err.message, `Branch "${BRANCH}" already exists`);
  assert.equal(t.git("rev-parse", `refs/heads/${BRANCH}`), head);
  assert.equal(exists(join(t.repo, ".orch")), false);
  assert.deepEqual(registeredPaths(t), [t.repo]);
});

Deno.test("createWorktree() removes the directories, registration and branch when git fails", () => {
  using t = makeTempRepo();
  // The hook runs after git has made everything, so all of it must be undone.
  const hook = join(t.repo, ".git", "hooks", "post-checkout");
  Deno.writeTextFileSync(hook, "#!/bin/sh\nexit 3\n");
  Deno.chmodSync(hook, 0o755);

  const err = assertAppError(() => create(t, true), "WORKSPACE_ERROR");
  assert.match(
    err.message,
    /^Cannot create worktree ".*attempt-1" on branch "orch\/r1\/T1\/attempt-1": /,
  );
  assert.deepEqual(err.details["cleanup_errors"], []);
  assert.equal(exists(join(t.repo, ".orch")), false);
  assert.deepEqual(branches(t), ["refs/heads/main"]);
  assert.deepEqual(registeredPaths(t), [t.repo]);
  assert.equal(exists(join(t.repo, ".git", "worktrees", "attempt-1")), false);
});

Deno.test("createWorktree() keeps a pre-existing workspace root when it cleans up", () => {
  using t = makeTempRepo();
  const root = join(t.repo, ".orch", "worktrees");
  Deno.mkdirSync(root, { recursive: true });
  const hook = join(t.repo, ".git", "hooks", "post-checkout");
  Deno.writeTextFileSync(hook, "#!/bin/sh\nexit 1\n");
  Deno.chmodSync(hook, 0o755);

  assertAppError(() => create(t, true), "WORKSPACE_ERROR");
  assert.equal(exists(root), true);
  assert.deepEqual(Array.from(Deno.readDirSync(root)), []);
  // Without runHooks the hook does not run.
  create(t);
  assert.equal(exists(wtPath(t)), true);
});

Deno.test("createWorktree() rejects invalid branch names and unknown commits", () => {
  using t = makeTempRepo();
  const path = wtPath(t);
  const head = t.git("rev-parse", "HEAD");
  for (const branch of ["-b", "--force", "a..b", "x.lock", "a b", ""]) {
    const err = assertAppError(
      () => createWorktree({ repo: t.repo, branch, path, commit: head }),
      "WORKSPACE_ERROR",
    );
    assert.equal(err.message, `Branch name "${branch}" is not valid`);
  }
  for (const commit of ["nope", "--detach", "", "0".repeat(40)]) {
    assertAppError(
      () => createWorktree({ repo: t.repo, branch: BRANCH, path, commit }),
      "BASE_REF_NOT_FOUND",
    );
  }
  assert.equal(exists(join(t.repo, ".orch")), false);
  assert.deepEqual(branches(t), ["refs/heads/main"]);
});

Deno.test("worktreeState() tells clean, dirty and missing apart", () => {
  using t = makeTempRepo();
  const path = create(t);
  assert.equal(worktreeState(path), "clean");
  Deno.writeTextFileSync(join(path, "new.txt"), "x\n");
  assert.equal(worktreeState(path), "dirty", "untracked file");
  Deno.removeSync(join(path, "new.txt"));
  Deno.writeTextFileSync(join(path, "README.md"), "edited\n");
  assert.equal(worktreeState(path), "dirty", "modified file");

  assert.equal(worktreeState(join(t.dir, "nope")), "missing");
  const plain = join(t.repo, "plain");
  Deno.mkdirSync(plain);
  assert.equal(worktreeState(plain), "missing", "a directory inside the main repo");
});

Deno.test("removeWorktree() removes a clean worktree and keeps its branch", () => {
  using t = makeTempRepo();
  const path = create(t);
  const tip = t.git("rev-parse", `refs/heads/${BRANCH}`);

  removeWorktree({ repo: t.repo, path, force: false });

  assert.equal(exists(path), false);
  assert.deepEqual(registeredPaths(t), [t.repo]);
  assert.equal(t.git("rev-parse", `refs/heads/${BRANCH}`), tip);
});

Deno.test("removeWorktree() refuses a dirty worktree with WORKTREE_DIRTY", () => {
  using t = makeTempRepo();
  const path = create(t);
  Deno.writeTextFileSync(join(path, "work.txt"), "unsaved\n");

  const err = assertAppError(
    () => removeWorktree({ repo: t.repo, path, force: false }),
    "WORKTREE_DIRTY",
  );
  assert.equal(
    err.message,
    `Worktree "${path}" has uncommitted changes: commit them or remove it by force`,
  );
  assert.equal(Deno.readTextFileSync(join(path, "work.txt")), "unsaved\n");
  assert.ok(registeredPaths(t).includes(path));
});

Deno.test("removeWorktree() with force removes a dirty worktree and keeps its branch", () => {
  using t = makeTempRepo();
  const path = create(t);
  Deno.writeTextFileSync(join(path, "work.txt"), "unsaved\n");
  Deno.writeTextFileSync(join(path, "README.md"), "edited\n");

  removeWorktree({ repo: t.repo, path, force: true });

  assert.equal(exists(path), false);
  assert.deepEqual(registeredPaths(t), [t.repo]);
  assert.ok(branches(t).includes(`refs/heads/${BRANCH}`));
});

Deno.test("removeWorktree() prunes the registration of a missing worktree", () => {
  using t = makeTempRepo();
  const path = create(t);
  Deno.removeSync(path, { recursive: true });
  assert.ok(registeredPaths(t).includes(path));

  removeWorktree({ repo: t.repo, path, force: false });

  assert.deepEqual(registeredPaths(t), [t.repo]);
  assert.ok(branches(t).includes(`refs/heads/${BRANCH}`));
  // Removing again is still fine.
  removeWorktree({ repo: t.repo, path, force: false });
});

Deno.test("removeWorktree() refuses a path that is not a linked worktree of the repository", () => {
  using t = makeTempRepo();
  const plain = join(t.repo, "plain");
  Deno.mkdirSync(plain);
  Deno.writeTextFileSync(join(plain, "data.txt"), "keep\n");

  const err = assertAppError(
    () => removeWorktree({ repo: t.repo, path: plain, force: true }),
    "WORKSPACE_ERROR",
  );
  assert.equal(err.message, `Path "${plain}" is not a worktree of repository "${t.repo}"`);
  assert.equal(Deno.readTextFileSync(join(plain, "data.txt")), "keep\n");

  assertAppError(
    () => removeWorktree({ repo: t.repo, path: t.repo, force: true }),
    "WORKSPACE_ERROR",
  );
  assert.equal(exists(join(t.repo, "README.md")), true);
});

Deno.test("parseWorktreeList() reads -z output with every attribute", () => {
  const z = [
    "worktree /repo",
    "HEAD 1111111111111111111111111111111111111111",
    "branch refs/heads/main",
    "",
    "worktree /ws/r/t/attempt-1",
    "HEAD 2222222222222222222222222222222222222222",
    "detached",
    "locked because\nreasons",
    "",
    "worktree /gone path",
    "HEAD 3333333333333333333333333333333333333333",
    "branch refs/heads/orch/r/t/attempt-2",
    "prunable gitdir file points to non-existent location",
    "",
    "",
  ].join("\0");
  assert.deepEqual(parseWorktreeList(z), [
    {
      path: "/repo",
      head: "1111111111111111111111111111111111111111",
      branch: "refs/heads/main",
      detached: false,
      bare: false,
      locked: false,
      lockedReason: null,
      prunable: false,
      prunableReason: null,
    },
    {
      path: "/ws/r/t/attempt-1",
      head: "2222222222222222222222222222222222222222",
      branch: null,
      detached: true,
      bare: false,
      locked: true,
      lockedReason: "because\nreasons",
      prunable: false,
      prunableReason: null,
    },
    {
      path: "/gone path",
      head: "3333333333333333333333333333333333333333",
      branch: "refs/heads/orch/r/t/attempt-2",
      detached: false,
      bare: false,
      locked: false,
      lockedReason: null,
      prunable: true,
      prunableReason: "gitdir file points to non-existent location",
    },
  ]);
});

Deno.test("parseWorktreeList() reads newline output, bare repos and bare lock flags", () => {
  const text =
    "worktree /bare.git\nbare\n\nworktree /w\nHEAD abc\ndetached\nlocked\nfuture-attr x\n\n";
  const entries = parseWorktreeList(text);
  assert.equal(entries.length, 2);
  assert.deepEqual(
    entries.map((e) => [e.path, e.bare, e.head, e.detached, e.locked, e.lockedReason]),
    [["/bare.git", true, null, false, false, null], ["/w", false, "abc", true, true, null]],
  );
  assert.deepEqual(parseWorktreeList(""), []);
});
