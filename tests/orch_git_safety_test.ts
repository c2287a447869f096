/**
 * Nothing a worker can write into the repository makes orch run a command:
 * one test per vector (fsmonitor, hooks, aliases, filters, a replaced .git,
 * core.sshCommand). Each plants a command that would create a marker file,
 * shows that plain git does run it (so the test can fail), then runs the real
 * orch and asserts the marker was never made.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ok, orch, ROOT } from "./_cli.ts";
import { attemptOf, claimAndFinish, dispatch, dispatchCode } from "./_code.ts";
import { git, gitResult } from "./_git.ts";
import { assertError, exists, type Json, seedRun, tempRepo } from "./_orch.ts";

type Env = { dir: string; repo: string; db: string };

/** A shell command that creates `marker`. */
function _plant(marker: string): string {
  return `touch '${marker}'`;
}

/** Dispatches T in code mode, lets its worker finish, then cleans up: every git path orch has. */
async function _dispatchAndCleanup(env: Env, expectDispatch = true): Promise<Json | null> {
  await seedRun(env.db, "R", { T: "coder" });
  const d = await dispatch(ROOT, env.db, "R", "T", "code", "--repo-path", env.repo);
  if (!expectDispatch) return d.json;
  assert.equal(d.json.ok, true, d.stdout);
  await claimAndFinish(env.db, attemptOf(d.json), "--body", "done");
  const c = await ok(orch(env.db, "cleanup", "--run", "R", "--all-completed", "--force"));
  return c;
}

Deno.test("git safety: core.fsmonitor in the repository config never runs", async () => {
  await using env = await tempRepo();
  const marker = join(env.dir, "fsmonitor-ran");
  // git appends arguments to the hook command: the "#" keeps them from making files.
  await git(env.repo, "config", "core.fsmonitor", `${_plant(marker)} #`);
  await gitResult(env.repo, "status");
  assert.equal(await exists(marker), true, "control: plain git runs it");
  await Deno.remove(marker);
  const c = await _dispatchAndCleanup(env);
  assert.equal(((c!["cleaned"]) as Json[]).length, 1);
  assert.equal(await exists(marker), false);
});

Deno.test("git safety: hooks (core.hooksPath and .git/hooks) never run", async () => {
  await using env = await tempRepo();
  const marker = join(env.dir, "hook-ran");
  const hooks = join(env.dir, "hooks");
  await Deno.mkdir(hooks);
  for (const dir of [hooks, join(env.repo, ".git/hooks")]) {
    for (const name of ["post-checkout", "reference-transaction", "post-index-change"]) {
      await Deno.writeTextFile(join(dir, name), `#!/bin/sh\n${_plant(marker)}\n`);
      await Deno.chmod(join(dir, name), 0o755);
    }
  }
  await gitResult(env.repo, "checkout", "-q", "-b", "probe");
  assert.equal(await exists(marker), true, "control: plain git runs the hook");
  await git(env.repo, "checkout", "-q", "main");
  await git(env.repo, "branch", "-q", "-D", "probe");
  await Deno.remove(marker);
  await git(env.repo, "config", "core.hooksPath", hooks);
  await _dispatchAndCleanup(env);
  assert.equal(await exists(marker), false);
});

Deno.test("git safety: aliases never run, even named like the subcommands orch uses", async () => {
  await using env = await tempRepo();
  const marker = join(env.dir, "alias-ran");
  const names = [
    "x",
    "status",
    "worktree",
    "rev-parse",
    "update-ref",
    "check-ref-format",
    "symbolic-ref",
    "rev-list",
    "config",
    "for-each-ref",
  ];
  for (const name of names) await git(env.repo, "config", `alias.${name}`, `!${_plant(marker)}`);
  await gitResult(env.repo, "x");
  assert.equal(await exists(marker), true, "control: plain git runs an alias");
  await Deno.remove(marker);
  await _dispatchAndCleanup(env);
  assert.equal(await exists(marker), false);
});

Deno.test("git safety: filters named by .gitattributes and defined in the repository config never run", async () => {
  await using env = await tempRepo();
  const marker = join(env.dir, "filter-ran");
  await Deno.writeTextFile(
    join(env.repo, ".gitattributes"),
    "* filter=evil diff=evil merge=evil\n",
  );
  await Deno.writeTextFile(join(env.repo, "data.txt"), "data\n");
  await git(env.repo, "add", "-A");
  await git(env.repo, "commit", "-q", "-m", "attributes");
  for (const key of ["filter.evil.smudge", "filter.evil.clean"]) {
    await git(env.repo, "config", key, `${_plant(marker)}; cat`);
  }
  await git(env.repo, "config", "diff.evil.textconv", `${_plant(marker)}; cat`);
  await git(env.repo, "config", "merge.evil.driver", `${_plant(marker)}; false`);
  await Deno.remove(join(env.repo, "data.txt"));
  await gitResult(env.repo, "checkout", "--", "data.txt");
  assert.equal(await exists(marker), true, "control: plain git runs the smudge filter");
  await Deno.remove(marker);
  const c = await _dispatchAndCleanup(env);
  assert.equal(((c!["cleaned"]) as Json[]).length, 1);
  assert.equal(await exists(marker), false);
});

Deno.test("git safety: a worktree whose .git a worker replaced is WORKSPACE_TAMPERED and left alone", async () => {
  await using env = await tempRepo();
  const marker = join(env.dir, "fake-git-ran");
  await seedRun(env.db, "R", { T: "coder", U: "coder" });
  const paths: string[] = [];
  for (const task of ["T", "U"]) {
    const a = await dispatchCode(ROOT, env.db, "R", task, "--repo-path", env.repo);
    await claimAndFinish(env.db, a, "--body", "done");
    paths.push(a.worktree);
  }
  // The worker of T swaps its .git link for a repository of its own whose config runs a command.
  const wt = paths[0]!;
  await Deno.remove(join(wt, ".git"));
  await git(wt, "init", "-q");
  await git(wt, "config", "core.fsmonitor", `${_plant(marker)} #`);
  await gitResult(wt, "status");
  assert.equal(await exists(marker), true, "control: plain git runs it there");
  await Deno.remove(marker);

  const one = await orch(env.db, "cleanup", "--run", "R", "--task", "T", "--force");
  assertError(one, "WORKSPACE_TAMPERED", 5);
  const all = await ok(orch(env.db, "cleanup", "--run", "R", "--all-completed", "--force"));
  assert.deepEqual((all["cleaned"] as Json[]).map((a) => a["task_id"]), ["U"]);
  assert.deepEqual(
    (all["refused"] as Json[]).map((r) => [(r["attempt"] as Json)["task_id"], r["code"]]),
    [["T", "WORKSPACE_TAMPERED"]],
  );
  assert.equal(await exists(marker), false);
  assert.equal(await exists(join(wt, "README.md")), true, "left for a person");
});

Deno.test("git safety: core.sshCommand never runs, not even for a partial clone's lazy fetch", async () => {
  await using env = await tempRepo();
  const marker = join(env.dir, "ssh-ran");
  await git(env.repo, "config", "uploadpack.allowFilter", "true");
  const clone = join(env.dir, "clone");
  await git(
    env.dir,
    "clone",
    "-q",
    "--no-checkout",
    "--filter=blob:none",
    `file://${env.repo}`,
    clone,
  );
  await git(clone, "config", "remote.origin.url", "ssh://example.invalid/repo.git");
  await git(clone, "config", "core.sshCommand", `${_plant(marker)}; false`);
  const probe = join(env.dir, "probe");
  await gitResult(clone, "worktree", "add", "-q", "--detach", probe, "HEAD");
  assert.equal(await exists(marker), true, "control: plain git runs it to fetch missing blobs");
  await Deno.remove(marker);
  await git(clone, "worktree", "remove", "--force", probe).catch(() => undefined);
  await git(clone, "worktree", "prune");

  await seedRun(env.db, "R", { T: "coder" });
  const d = await dispatch(
    ROOT,
    env.db,
    "R",
    "T",
    "code",
    "--repo-path",
    clone,
    "--base-ref",
    "HEAD",
  );
  // Without its blobs the checkout cannot be made: a clear error, and no command ran.
  assertError(d, "WORKSPACE_ERROR", 5);
  assert.equal(await exists(marker), false);
});
