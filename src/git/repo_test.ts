import assert from "node:assert/strict";
import { join } from "node:path";
import { assertAppError } from "./_assert_app_error.ts";
import { makeTempRepo } from "./_testing.ts";
import { discoverRepo, isRepoClean, resolveBase } from "./repo.ts";

Deno.test("discoverRepo() returns the top level from a subdirectory", () => {
  using t = makeTempRepo();
  t.write("a/b/c.txt", "x\n");
  assert.equal(discoverRepo(join(t.repo, "a", "b")), t.repo);
  assert.equal(discoverRepo(join(t.repo, "a", "b", "c.txt")), t.repo);
  assert.equal(discoverRepo(t.repo), t.repo);
});

Deno.test("discoverRepo() throws NOT_A_REPO outside a repository", () => {
  using t = makeTempRepo();
  const plain = join(t.dir, "plain");
  Deno.mkdirSync(plain);
  const err = assertAppError(() => discoverRepo(plain), "NOT_A_REPO");
  assert.equal(err.message, `Path "${plain}" is not inside a git work tree`);
  assert.match(String(err.details["stderr"]), /not a git repository/);
});

Deno.test("discoverRepo() throws NOT_A_REPO for a path that does not exist", () => {
  using t = makeTempRepo();
  const missing = join(t.repo, "nope");
  const err = assertAppError(() => discoverRepo(missing), "NOT_A_REPO");
  assert.equal(err.message, `Path "${missing}" does not exist`);
});

Deno.test("isRepoClean() is true for a fresh commit and false for each kind of change", () => {
  using t = makeTempRepo();
  assert.equal(isRepoClean(t.repo), true);

  t.write("README.md", "changed\n");
  assert.equal(isRepoClean(t.repo), false, "unstaged change");
  t.git("add", "README.md");
  assert.equal(isRepoClean(t.repo), false, "staged change");
  t.git("commit", "--quiet", "-m", "change");
  assert.equal(isRepoClean(t.repo), true);

  t.write("new.txt", "x\n");
  assert.equal(isRepoClean(t.repo), false, "untracked file");
});

Deno.test("isRepoClean() ignores gitignored files", () => {
  using t = makeTempRepo();
  t.write(".gitignore", "*.log\n");
  t.git("add", ".gitignore");
  t.git("commit", "--quiet", "-m", "ignore");
  t.write("debug.log", "x\n");
  assert.equal(isRepoClean(t.repo), true);
});

Deno.test("isRepoClean() leaves out the ignored workspace root, relative or absolute", () => {
  using t = makeTempRepo();
  t.write(".orch/worktrees/r/t/attempt-1/file.txt", "x\n");
  assert.equal(isRepoClean(t.repo), false, "untracked workspace counts without ignorePaths");
  assert.equal(isRepoClean(t.repo, { ignorePaths: [".orch/worktrees"] }), true);
  assert.equal(isRepoClean(t.repo, { ignorePaths: [join(t.repo, ".orch", "worktrees")] }), true);
  assert.equal(isRepoClean(t.repo, { ignorePaths: [join(t.dir, "elsewhere")] }), false);

  t.write(".orch/db.sqlite", "x\n");
  assert.equal(
    isRepoClean(t.repo, { ignorePaths: [".orch/worktrees"] }),
    false,
    "a sibling of the workspace root still counts",
  );
  t.write("other.txt", "x\n");
  assert.equal(isRepoClean(t.repo, { ignorePaths: [".orch"] }), false, "other files still count");
});

Deno.test("isRepoClean() does not let the repository root be ignored", () => {
  using t = makeTempRepo();
  t.write("new.txt", "x\n");
  assert.equal(isRepoClean(t.repo, { ignorePaths: [t.repo, "."] }), false);
});

Deno.test("resolveBase() uses HEAD and the branch name on a clean repository", () => {
  using t = makeTempRepo();
  const head = t.git("rev-parse", "HEAD");
  assert.deepEqual(resolveBase(t.repo), { baseRef: "main", baseCommit: head });
});

Deno.test('resolveBase() names a detached HEAD "HEAD"', () => {
  using t = makeTempRepo();
  const head = t.git("rev-parse", "HEAD");
  t.git("checkout", "--quiet", "--detach");
  assert.deepEqual(resolveBase(t.repo), { baseRef: "HEAD", baseCommit: head });
});

Deno.test("resolveBase() throws DIRTY_REPO without a base ref on a dirty repository", () => {
  using t = makeTempRepo();
  t.write("README.md", "changed\n");
  const err = assertAppError(() => resolveBase(t.repo), "DIRTY_REPO");
  assert.equal(
    err.message,
    `Repository "${t.repo}" has uncommitted changes: commit them or name a base ref`,
  );
  assert.equal(err.details["repo"], t.repo);
});

Deno.test("resolveBase() accepts a dirty workspace root passed in ignorePaths", () => {
  using t = makeTempRepo();
  t.write(".orch/worktrees/x.txt", "x\n");
  assertAppError(() => resolveBase(t.repo), "DIRTY_REPO");
  assert.equal(resolveBase(t.repo, { ignorePaths: [".orch/worktrees"] }).baseRef, "main");
});

Deno.test("resolveBase() resolves a base ref even on a dirty repository", () => {
  using t = makeTempRepo();
  const first = t.git("rev-parse", "HEAD");
  t.git("tag", "v1");
  t.write("README.md", "second\n");
  t.git("commit", "--quiet", "-am", "second");
  const second = t.git("rev-parse", "HEAD");
  t.write("README.md", "dirty\n");

  assert.deepEqual(resolveBase(t.repo, { baseRef: "v1" }), { baseRef: "v1", baseCommit: first });
  assert.deepEqual(resolveBase(t.repo, { baseRef: "main~1" }), {
    baseRef: "main~1",
    baseCommit: first,
  });
  assert.deepEqual(resolveBase(t.repo, { baseRef: "main" }), {
    baseRef: "main",
    baseCommit: second,
  });
  assert.deepEqual(resolveBase(t.repo, { baseRef: first }), { baseRef: first, baseCommit: first });
});

Deno.test("resolveBase() throws BASE_REF_NOT_FOUND for an unknown ref", () => {
  using t = makeTempRepo();
  const err = assertAppError(() => resolveBase(t.repo, { baseRef: "nope" }), "BASE_REF_NOT_FOUND");
  assert.equal(err.message, `Base ref "nope" does not name a commit in "${t.repo}"`);
  assert.equal(err.details["base_ref"], "nope");
});

Deno.test("resolveBase() rejects refs that could be read as options or are malformed", () => {
  using t = makeTempRepo();
  for (const baseRef of ["--output=x", "-h", "", "main branch", "a\nb", "a\\b"]) {
    const err = assertAppError(() => resolveBase(t.repo, { baseRef }), "BASE_REF_NOT_FOUND");
    assert.equal(err.message, `Base ref "${baseRef}" is not a valid revision`);
  }
  assert.equal(Array.from(Deno.readDirSync(t.repo)).some((e) => e.name === "x"), false);
});

Deno.test("resolveBase() throws BASE_REF_NOT_FOUND on a repository without commits", () => {
  using t = makeTempRepo({ empty: true });
  const err = assertAppError(() => resolveBase(t.repo), "BASE_REF_NOT_FOUND");
  assert.equal(
    err.message,
    `Repository "${t.repo}" has no commits: commit something or name a base ref`,
  );
});
