import assert from "node:assert/strict";
import { join } from "node:path";
import { inCoreConfig, inCoreRepo } from "./in_core.ts";
import { branchTip, mergeCommits } from "./merge.ts";
import { discoverRepo } from "./repo.ts";
import { makeTempRepo } from "./_testing.ts";

Deno.test("inCoreConfig(): a bare directory in the repository's object format", () => {
  assert.equal(inCoreConfig("sha1"), "[core]\n\trepositoryformatversion = 0\n\tbare = true\n");
  assert.equal(
    inCoreConfig("sha256"),
    "[core]\n\trepositoryformatversion = 1\n\tbare = true\n[extensions]\n\tobjectformat = sha256\n",
  );
});

for (const objectFormat of ["sha1", "sha256"] as const) {
  Deno.test(`mergeCommits(): merges in core in a ${objectFormat} repository, the same tree as git in the repository`, () => {
    using t = makeTempRepo({ objectFormat });
    const base = t.git("rev-parse", "main");
    for (const [branch, file] of [["a", "a.txt"], ["b", "b.txt"]] as const) {
      t.git("checkout", "--quiet", "-b", branch, base);
      t.write(file, `${branch}\n`);
      t.git("add", file);
      t.git("commit", "--quiet", "-m", branch);
    }
    t.git("checkout", "--quiet", "main");
    const a = t.git("rev-parse", "a");
    const b = t.git("rev-parse", "b");

    const inCore = inCoreRepo(t.repo);
    assert.ok(inCore, "a private git directory was made");
    assert.equal(inCore.objects, join(t.repo, ".git", "objects"));
    assert.equal(
      Deno.readTextFileSync(join(inCore.gitDir, "config")),
      inCoreConfig(objectFormat),
    );

    const r = mergeCommits(t.repo, branchTip(t.repo, "a")!, b, "merge b");
    assert.equal(r.kind, "merged");
    if (r.kind !== "merged") return;
    assert.equal(r.tree, t.git("merge-tree", "--write-tree", a, b));
    assert.equal(r.commit.length, objectFormat === "sha1" ? 40 : 64);
    assert.equal(
      t.git("rev-parse", `${r.commit}^{tree}`),
      r.tree,
      "the commit is in the repository",
    );
    assert.equal(t.git("rev-parse", `${r.commit}^1`, `${r.commit}^2`), `${a}\n${b}`);

    t.git("checkout", "--quiet", "-b", "c", base);
    t.write("a.txt", "c\n");
    t.git("add", "a.txt");
    t.git("commit", "--quiet", "-m", "c");
    const c = mergeCommits(
      t.repo,
      { commit: r.commit, tree: r.tree },
      t.git("rev-parse", "c"),
      "m",
    );
    assert.deepEqual(c, { kind: "conflict", paths: ["a.txt"] });
  });
}

Deno.test("discoverRepo() of a linked worktree: in-core merges use the repository's common objects", () => {
  using t = makeTempRepo();
  const wt = join(t.dir, "wt");
  t.git("worktree", "add", "--quiet", "-b", "side", wt);
  const top = discoverRepo(join(wt, "."));
  assert.equal(top, wt);
  assert.equal(inCoreRepo(top)?.objects, join(t.repo, ".git", "objects"));
});

Deno.test("branchTip(): a branch's commit and tree in one call; null for no such branch", () => {
  using t = makeTempRepo();
  assert.deepEqual(branchTip(t.repo, "main"), {
    commit: t.git("rev-parse", "main"),
    tree: t.git("rev-parse", "main^{tree}"),
  });
  assert.equal(branchTip(t.repo, "nope"), null);
  // A file named like the arguments: taken as a path, it would print its name as if a revision.
  t.write("refs/heads/nope^{commit}", "x\n");
  t.write("refs/heads/nope^{tree}", "x\n");
  assert.equal(branchTip(t.repo, "nope"), null);
});
