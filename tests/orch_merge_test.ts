/**
 * Issue 7 item 5: `orch merge`, the integration queue, against real
 * repositories: dependency order, checked-out targets (clean and dirty),
 * compare-and-swap, --check, left-out tasks and their dependents, --dry-run,
 * idempotence.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { cli, inbox, ok } from "./_cli.ts";
import { git } from "./_git.ts";
import { assertError, type Json, orchIn, seedRun, tempRepo } from "./_orch.ts";
import { codeAttempt, dispatchCode, statusOf, workAndFinish } from "./_code.ts";

/** Dispatches each task in order and has its worker commit `files[task]`. */
async function finishAll(
  repo: string,
  db: string,
  files: Record<string, Record<string, string>>,
): Promise<void> {
  for (const [task, f] of Object.entries(files)) {
    const a = await dispatchCode(repo, db, "R", task);
    await workAndFinish(db, a, f);
  }
  await ok(orchIn(repo, db, "reconcile", "--run", "R"));
}

async function head(repo: string, ref: string): Promise<string> {
  return (await git(repo, "rev-parse", ref)).trim();
}

async function filesAt(repo: string, ref: string): Promise<string[]> {
  return (await git(repo, "ls-tree", "-r", "--name-only", ref)).trim().split("\n").sort();
}

function mergeOf(task: Json): Json | null {
  return (task["latest_attempt"] as Json)["merge"] as Json | null;
}

Deno.test("merge: dependency order into a branch not checked out, one move, idempotent", async () => {
  await using env = await tempRepo();
  await seedRun(env.db, "R", { A: "w", B: "w", C: "w" }, [["A", "C"]]);
  await git(env.repo, "branch", "integration", "main");
  await finishAll(env.repo, env.db, {
    C: { "c.txt": "C\n" },
    A: { "a.txt": "A\n" },
    B: { "b.txt": "B\n" },
  });
  const before = await head(env.repo, "integration");
  const dry = await ok(
    orchIn(env.repo, env.db, "merge", "--run", "R", "--into", "integration", "--dry-run"),
  );
  assert.deepEqual((dry["merged"] as Json[]).map((m) => m["task_id"]), ["C", "A", "B"]);
  assert.equal(await head(env.repo, "integration"), before, "--dry-run moves nothing");
  assert.equal(mergeOf((await statusOf(env.repo, env.db, "R")).tasks.get("A")!), null);

  const r = await ok(orchIn(env.repo, env.db, "merge", "--run", "R", "--into", "integration"));
  // C first: A depends on it, though A was added before it.
  assert.deepEqual((r["merged"] as Json[]).map((m) => m["task_id"]), ["C", "A", "B"]);
  assert.deepEqual(r["left_out"], []);
  const after = await head(env.repo, "integration");
  assert.equal(r["to"], after);
  assert.deepEqual(await filesAt(env.repo, after), ["README.md", "a.txt", "b.txt", "c.txt"]);
  assert.equal(await head(env.repo, "main"), before, "only the target moves");
  // One merge commit per task, on the first-parent line of the target, oldest first.
  const subjects =
    (await git(env.repo, "log", "--first-parent", "--format=%s", `${before}..${after}`))
      .trim().split("\n").reverse();
  assert.deepEqual(subjects.map((s) => s.split(" ")[2]), ["C", "A", "B"]);
  const s = await statusOf(env.repo, env.db, "R");
  for (const t of ["A", "B", "C"]) {
    const m = mergeOf(s.tasks.get(t)!)!;
    assert.equal(m["status"], "merged");
    assert.equal(m["into"], "integration");
    const mc = String(m["commit"]);
    assert.equal((await git(env.repo, "merge-base", "--is-ancestor", mc, after)).trim(), "");
  }
  assert.equal(s.run["status"], "completed");
  const w = await ok(orchIn(env.repo, env.db, "wait", "--run", "R", "--for", "merge_completed"));
  assert.equal(((w["events"] as Json[])[0]!["payload"] as Json)["to"], after);

  // Again: nothing new to merge, nothing moves.
  const again = await ok(orchIn(env.repo, env.db, "merge", "--run", "R", "--into", "integration"));
  assert.deepEqual([again["merged"], again["left_out"], again["to"]], [[], [], after]);
  assert.equal(await head(env.repo, "integration"), after);
});

Deno.test("merge: a task the target already holds is already_contained (no commit); the same content by other commits still gets its merge commit", async () => {
  await using env = await tempRepo();
  await seedRun(env.db, "R", { A: "w", B: "w" });
  const heads = new Map<string, string>();
  for (const [task, files] of Object.entries({ A: { "a.txt": "A\n" }, B: { "b.txt": "B\n" } })) {
    heads.set(
      task,
      (await workAndFinish(env.db, await dispatchCode(env.repo, env.db, "R", task), files))!,
    );
  }
  await ok(orchIn(env.repo, env.db, "reconcile", "--run", "R"));
  const headOf = (t: string) => heads.get(t)!;
  // The target holds A's commit itself, and B's change by a commit of its own (a cherry-pick).
  const tree = (await git(env.repo, "merge-tree", "--write-tree", headOf("A"), headOf("B")))
    .trim().split("\n")[0]!;
  const picked = (await git(env.repo, "commit-tree", tree, "-p", headOf("A"), "-m", "pick B"))
    .trim();
  await git(env.repo, "branch", "integration", picked);

  const r = await ok(orchIn(env.repo, env.db, "merge", "--run", "R", "--into", "integration"));
  const merged = r["merged"] as Json[];
  assert.deepEqual(merged.map((m) => [m["task_id"], m["already_contained"]]), [
    ["A", true],
    ["B", false],
  ]);
  assert.equal(merged[0]!["commit"], picked, "A: no commit, the target as it was");
  const after = await head(env.repo, "integration");
  assert.equal(r["to"], after);
  // B's merge commit records B's history, though it changes no file.
  assert.deepEqual(
    (await git(env.repo, "rev-list", "--parents", "-n", "1", after)).trim().split(" "),
    [
      after,
      picked,
      headOf("B"),
    ],
  );
  assert.equal(await head(env.repo, `${after}^{tree}`), tree);
});

Deno.test("merge: a clean checkout of the target is fast-forwarded; a dirty one is refused untouched", async () => {
  await using env = await tempRepo();
  await seedRun(env.db, "R", { A: "w", B: "w" });
  await finishAll(env.repo, env.db, { A: { "a.txt": "A\n" } });
  const r = await ok(orchIn(env.repo, env.db, "merge", "--run", "R", "--into", "main"));
  assert.equal(r["checkout"], env.repo);
  assert.equal(await head(env.repo, "main"), r["to"]);
  assert.equal(await Deno.readTextFile(join(env.repo, "a.txt")), "A\n");
  assert.equal((await git(env.repo, "status", "--porcelain")).trim(), "");

  await finishAll(env.repo, env.db, { B: { "b.txt": "B\n" } });
  await Deno.writeTextFile(join(env.repo, "README.md"), "my own edit\n");
  const mainBefore = await head(env.repo, "main");
  const refused = await orchIn(env.repo, env.db, "merge", "--run", "R", "--into", "main");
  assertError(refused, "TARGET_DIRTY", 5);
  assert.match(refused.json.error!.message, /uncommitted changes/);
  assert.equal(await head(env.repo, "main"), mainBefore);
  assert.equal(await Deno.readTextFile(join(env.repo, "README.md")), "my own edit\n");
  assert.equal(mergeOf((await statusOf(env.repo, env.db, "R")).tasks.get("B")!), null);
});

Deno.test("merge: a target that moves meanwhile is refused and nothing is recorded", async () => {
  await using env = await tempRepo();
  await seedRun(env.db, "R", { A: "w" });
  await git(env.repo, "branch", "integration", "main");
  await git(env.repo, "branch", "elsewhere", "main");
  await git(env.repo, "commit", "-q", "--allow-empty", "-m", "someone else");
  await finishAll(env.repo, env.db, { A: { "a.txt": "A\n" } });
  const before = await head(env.repo, "integration");
  // The check (the user's own command) moves the target while the queue runs.
  const moved = await orchIn(
    env.repo,
    env.db,
    "merge",
    "--run",
    "R",
    "--into",
    "integration",
    "--check",
    `git -C "${env.repo}" branch -f integration main`,
  );
  assertError(moved, "TARGET_MOVED", 5);
  assert.equal(await head(env.repo, "integration"), await head(env.repo, "main"));
  assert.notEqual(await head(env.repo, "integration"), before);
  assert.equal(mergeOf((await statusOf(env.repo, env.db, "R")).tasks.get("A")!), null);
});

Deno.test("merge --check: a failing task is left out with its output, its dependents too, the rest merge", async () => {
  await using env = await tempRepo();
  await seedRun(env.db, "R", { A: "w", B: "w", C: "w" }, [["C", "B"]]);
  await git(env.repo, "branch", "integration", "main");
  await finishAll(env.repo, env.db, {
    A: { "a.txt": "fine\n" },
    B: { "b.txt": "broken\n" },
    C: { "c.txt": "fine\n" },
  });
  const check =
    `if grep -rq broken --include='*.txt' .; then echo "found a broken file" >&2; exit 3; fi`;
  const r = await ok(
    orchIn(env.repo, env.db, "merge", "--run", "R", "--into", "integration", "--check", check),
  );
  assert.deepEqual((r["merged"] as Json[]).map((m) => m["task_id"]), ["A"]);
  const left = r["left_out"] as Json[];
  assert.deepEqual(left.map((l) => [l["task_id"], l["status"]]), [
    ["B", "check_failed"],
    ["C", "dependency_left_out"],
  ]);
  assert.equal((left[0]!["detail"] as Json)["exit_code"], 3);
  assert.match(String((left[0]!["detail"] as Json)["output_tail"]), /found a broken file/);
  assert.deepEqual(await filesAt(env.repo, "integration"), ["README.md", "a.txt"]);

  const s = await statusOf(env.repo, env.db, "R");
  assert.equal(mergeOf(s.tasks.get("B")!)!["status"], "check_failed");
  assert.deepEqual((mergeOf(s.tasks.get("C")!)!["detail"] as Json)["dependency"], "B");
  assert.equal(s.run["status"], "active", "accepted work is unmerged: the run is not finished");
  const w = await ok(orchIn(env.repo, env.db, "wait", "--run", "R", "--for", "check_failed"));
  assert.equal((w["events"] as Json[])[0]!["task_id"], "B");
  // No integration worktree is left behind.
  const worktrees = await git(env.repo, "worktree", "list", "--porcelain");
  assert.doesNotMatch(worktrees, /\.merge/);
  // B is retried and fixed; C, left out only for B, needs no retry: the next merge takes both.
  const fix = codeAttempt(await ok(orchIn(env.repo, env.db, "retry", "--run", "R", "--task", "B")));
  await workAndFinish(env.db, fix, { "b.txt": "fixed\n" });
  const again = await ok(
    orchIn(env.repo, env.db, "merge", "--run", "R", "--into", "integration", "--check", check),
  );
  assert.deepEqual((again["merged"] as Json[]).map((m) => m["task_id"]), ["B", "C"]);
  assert.deepEqual(await filesAt(env.repo, "integration"), [
    "README.md",
    "a.txt",
    "b.txt",
    "c.txt",
  ]);
});

Deno.test("merge: a conflicting task is left out with the paths; --dry-run says so too", async () => {
  await using env = await tempRepo();
  await seedRun(env.db, "R", { A: "w", B: "w" });
  await git(env.repo, "branch", "integration", "main");
  await finishAll(env.repo, env.db, {
    A: { "README.md": "A's readme\n" },
    B: { "README.md": "B's readme\n", "b.txt": "B\n" },
  });
  const dry = await ok(
    orchIn(env.repo, env.db, "merge", "--run", "R", "--into", "integration", "--dry-run"),
  );
  assert.deepEqual(
    (dry["left_out"] as Json[]).map((l) => [l["task_id"], (l["detail"] as Json)["paths"]]),
    [
      ["B", ["README.md"]],
    ],
  );
  const r = await ok(orchIn(env.repo, env.db, "merge", "--run", "R", "--into", "integration"));
  assert.deepEqual((r["merged"] as Json[]).map((m) => m["task_id"]), ["A"]);
  assert.deepEqual((r["left_out"] as Json[]).map((l) => l["status"]), ["merge_conflict"]);
  const text = await cli("orch", [
    "--db",
    env.db,
    "merge",
    "--run",
    "R",
    "--into",
    "integration",
    "--dry-run",
  ], {
    cwd: env.repo,
  });
  assert.match(text.stdout, /left out B: merge_conflict \(README\.md\)/);
});

Deno.test("merge: conflict -> retry (work merged with the target, conflict in progress) -> resolved -> merged", async () => {
  await using env = await tempRepo();
  await seedRun(env.db, "R", { A: "w", B: "w" });
  await git(env.repo, "branch", "integration", "main");
  await finishAll(env.repo, env.db, {
    A: { "README.md": "A's readme\n" },
    B: { "README.md": "B's readme\n", "b.txt": "B\n" },
  });
  await ok(orchIn(env.repo, env.db, "merge", "--run", "R", "--into", "integration"));
  const retried = await ok(orchIn(env.repo, env.db, "retry", "--run", "R", "--task", "B"));
  const attempt = retried["attempt"] as Json;
  assert.equal(attempt["n"], 2);
  assert.equal(attempt["base_commit"], await head(env.repo, "integration"));
  const payload = (retried["message"] as Json)["payload"] as Json;
  assert.deepEqual(payload["merge_conflicts"], ["README.md"]);
  const wt = String(attempt["worktree_path"]);
  // The worktree holds the target (A's work) with B's work merging in, README.md conflicted.
  assert.match(await git(wt, "status", "--porcelain"), /^UU README\.md$/m);
  assert.equal(await Deno.readTextFile(join(wt, "b.txt")), "B\n");
  assert.match(
    await Deno.readTextFile(join(wt, "README.md")),
    /<<<<<<<[\s\S]*A's readme[\s\S]*B's readme/,
  );

  // The new worker resolves and commits; the next merge takes it.
  const ref = ["--agent", "w", "--thread", String(attempt["thread_id"])];
  await ok(inbox(env.db, "claim", ...ref));
  await Deno.writeTextFile(join(wt, "README.md"), "A and B's readme\n");
  await git(wt, "add", "README.md");
  await git(wt, "commit", "-q", "--no-edit");
  await ok(inbox(env.db, "done", ...ref));
  const r = await ok(orchIn(env.repo, env.db, "merge", "--run", "R", "--into", "integration"));
  assert.deepEqual((r["merged"] as Json[]).map((m) => m["task_id"]), ["B"]);
  assert.deepEqual(await filesAt(env.repo, "integration"), ["README.md", "b.txt"]);
  assert.equal(await git(env.repo, "show", "integration:README.md"), "A and B's readme\n");
  assert.equal((await statusOf(env.repo, env.db, "R")).run["status"], "completed");
});
