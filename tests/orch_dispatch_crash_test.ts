/**
 * Code-mode dispatch takes the write lock only for short transactions (git
 * runs between them), and a dispatch killed at any point leaves nothing that
 * stops the task from being dispatched again.
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { cliCommand, inbox, ok, orch, until } from "./_cli.ts";
import { scalar } from "./_db.ts";
import { git, gitResult } from "./_git.ts";
import { exists, type Json, seedRun, tempRepo } from "./_orch.ts";
import { spawnCli } from "./_spawn.ts";
import { soakRounds } from "./_soak.ts";

const ROOT = new URL("..", import.meta.url).pathname;

/** A post-checkout hook that says it started, then waits until `release` exists. */
async function _blockingHook(
  repo: string,
  dir: string,
): Promise<{ started: string; release: string }> {
  const started = join(dir, "hook-started");
  const release = join(dir, "hook-release");
  const hook = join(repo, ".git/hooks/post-checkout");
  await Deno.writeTextFile(
    hook,
    `#!/bin/sh\n: > '${started}'\nwhile [ ! -e '${release}' ]; do sleep 0.02; done\n`,
  );
  await Deno.chmod(hook, 0o755);
  return { started, release };
}

Deno.test("dispatch --execution-mode code: a slow checkout hook does not block other writers", async () => {
  await using env = await tempRepo();
  await seedRun(env.db, "R", { T: "coder" });
  const { started, release } = await _blockingHook(env.repo, env.dir);
  const dispatch = spawnCli("orch", [
    "--db",
    env.db,
    "--json",
    "dispatch",
    "--run",
    "R",
    "--task",
    "T",
    "--execution-mode",
    "code",
    "--repo-path",
    env.repo,
    "--run-hooks",
  ]);
  try {
    await until(() => exists(started), { what: "the hook to start" });
    // git is running the hook now: other writers must get through.
    const sent = await ok(
      inbox(env.db, "send", "--from", "a", "--to", "b", "--subject", "s", "--body", "hello"),
    );
    assert.equal(typeof (sent["thread"] as Json)["id"], "number");
    await ok(inbox(env.db, "fetch", "--agent", "b"));
    assert.equal(dispatch.exited(), false, "the dispatch is still waiting for its hook");
    assert.equal(await exists(release), false);
    // Meanwhile no attempt is visible, and a second dispatch of the task is refused.
    assert.equal(await scalar(env.db, "SELECT COUNT(*) FROM attempts"), 0);
    const second = await orch(
      env.db,
      "dispatch",
      "--run",
      "R",
      "--task",
      "T",
      "--execution-mode",
      "code",
      "--repo-path",
      env.repo,
    );
    assert.equal(second.json.error?.code, "TASK_NOT_READY", second.stdout);
  } finally {
    await Deno.writeTextFile(release, "");
  }
  const out = await dispatch.child.output();
  const r = JSON.parse(new TextDecoder().decode(out.stdout)) as Json;
  assert.equal(r["ok"], true, JSON.stringify(r));
  assert.equal(await scalar(env.db, "SELECT COUNT(*) FROM attempts"), 1);
  assert.equal(await scalar(env.db, "SELECT COUNT(*) FROM workspace_reservations"), 0);
});

/** `orch dispatch` of `task` of run R in code mode, in `repo` (the flags after `--db DB --json`). */
function _codeDispatch(repo: string, task: string): string[] {
  return [
    "dispatch",
    "--run",
    "R",
    "--task",
    task,
    "--execution-mode",
    "code",
    "--repo-path",
    repo,
  ];
}

/**
 * Dispatches task T of run R with hooks, stops it at its checkout hook and kills it: the
 * dispatch's reservation and what git had made stay behind.
 */
async function _killAtCheckoutHook(env: { dir: string; repo: string; db: string }): Promise<void> {
  const { started } = await _blockingHook(env.repo, env.dir);
  const victim = _spawnGroup([
    "--db",
    env.db,
    "--json",
    ..._codeDispatch(env.repo, "T"),
    "--run-hooks",
  ]);
  await until(() => exists(started), { what: "the hook to start" });
  victim.killGroup();
  await victim.child.status;
}

/** Starts `orch args...` as the leader of its own process group, so the whole group can be killed. */
function _spawnGroup(args: string[]): { child: Deno.ChildProcess; killGroup(): void } {
  const child = new Deno.Command("setsid", {
    args: [Deno.execPath(), ...cliCommand("orch"), ...args],
    cwd: ROOT,
    stdin: "null",
    stdout: "null",
    stderr: "null",
    env: { NO_COLOR: "1" },
  }).spawn();
  return {
    child,
    killGroup() {
      try {
        Deno.kill(-child.pid, "SIGKILL");
      } catch { /* already gone */ }
    },
  };
}

Deno.test("dispatch --execution-mode code: kill -9 at any point never leaves a task that cannot be dispatched", async () => {
  await using env = await tempRepo();
  // Enough files that `git worktree add` takes a while to check out.
  const files: string[] = [];
  for (let d = 0; d < 10; d++) {
    await Deno.mkdir(join(env.repo, `d${d}`));
    for (let f = 0; f < 100; f++) {
      const name = join(`d${d}`, `f${f}.txt`);
      await Deno.writeTextFile(join(env.repo, name), `file ${d}/${f}\n`.repeat(20));
      files.push(name);
    }
  }
  await git(env.repo, "add", "-A");
  await git(env.repo, "commit", "-q", "-m", "many files");
  const ROUNDS = soakRounds(6);
  const tasks = Array.from({ length: ROUNDS }, (_, i) => `T${i}`);
  await seedRun(env.db, "R", Object.fromEntries(tasks.map((t) => [t, "coder"])));
  const dispatchArgs = (task: string) => [
    "--db",
    env.db,
    "--json",
    ..._codeDispatch(env.repo, task),
    "--run-hooks",
  ];
  const admin = join(env.repo, ".git/worktrees");
  const registered = async () => {
    let n = 0;
    try {
      for await (const _ of Deno.readDir(admin)) n++;
    } catch { /* none yet */ }
    return n;
  };
  for (const [i, task] of tasks.entries()) {
    const before = await registered();
    const victim = _spawnGroup(dispatchArgs(task));
    let exited = false;
    victim.child.status.then(() => exited = true);
    // Kill at a different point each round: once the reservation is written,
    // or once git has registered the new worktree (mid-checkout).
    await until(async () =>
      exited || (i % 2 === 0
        ? Number(
          await scalar(
            env.db,
            "SELECT COUNT(*) FROM workspace_reservations WHERE task_id = ?",
            task,
          ),
        ) > 0
        : await registered() > before), { what: "the point to kill at" });
    victim.killGroup();
    await victim.child.status;
    // The task can be dispatched again at once (or the killed one had committed).
    const again = await orch(env.db, ...dispatchArgs(task).slice(3));
    if (!again.json.ok) assert.equal(again.json.error?.code, "TASK_NOT_READY", again.stdout);
  }
  // Every task has exactly one attempt, with a clean, complete worktree on its branch.
  const status = await ok(orch(env.db, "status", "--run", "R"));
  const attempts = (status["tasks"] as Json[]).map((t) => t["latest_attempt"] as Json);
  assert.equal(await scalar(env.db, "SELECT COUNT(*) FROM attempts"), ROUNDS);
  assert.equal(await scalar(env.db, "SELECT COUNT(*) FROM workspace_reservations"), 0);
  for (const a of attempts) {
    const path = String(a["worktree_path"]);
    assert.equal(await git(path, "status", "--porcelain"), "", path);
    assert.equal((await git(path, "branch", "--show-current")).trim(), a["branch_name"]);
    assert.equal(await exists(join(path, files.at(-1)!)), true);
  }
  // Nothing else: no leftover worktree, registration or branch.
  const listed = (await git(env.repo, "worktree", "list", "--porcelain")).split("\n")
    .filter((l) => l.startsWith("worktree ")).map((l) => l.slice("worktree ".length)).sort();
  assert.deepEqual(listed, [env.repo, ...attempts.map((a) => String(a["worktree_path"]))].sort());
  const branches =
    (await git(env.repo, "for-each-ref", "--format=%(refname:short)", "refs/heads/orch"))
      .split("\n").filter(Boolean).sort();
  assert.deepEqual(branches, attempts.map((a) => String(a["branch_name"])).sort());
});

Deno.test("cleanup removes what a killed dispatch left, when no one dispatches the task again", async () => {
  await using env = await tempRepo();
  await seedRun(env.db, "R", { T: "coder" });
  await _killAtCheckoutHook(env);
  const path = String(await scalar(env.db, "SELECT worktree_path FROM workspace_reservations"));
  assert.equal(await exists(path), true, "the killed dispatch left its worktree");
  await ok(orch(env.db, "cancel", "--run", "R", "--task", "T"));
  const r = await ok(orch(env.db, "cleanup", "--run", "R", "--all-completed"));
  assert.deepEqual(r["cleaned"], []);
  assert.equal(await exists(path), false);
  assert.equal(await scalar(env.db, "SELECT COUNT(*) FROM workspace_reservations"), 0);
  assert.equal(await git(env.repo, "for-each-ref", "refs/heads/orch"), "");
  assert.equal(
    (await git(env.repo, "worktree", "list", "--porcelain")).split("\n")
      .filter((l) => l.startsWith("worktree ")).length,
    1,
  );
});

Deno.test("a killed stacked dispatch's branch (at its start, not its base) is removed too", async () => {
  await using env = await tempRepo();
  await seedRun(env.db, "R", { A: "coder", T: "coder" }, [["T", "A"]]);
  const a = await ok(
    orch(
      env.db,
      "dispatch",
      "--run",
      "R",
      "--task",
      "A",
      "--execution-mode",
      "code",
      "--repo-path",
      env.repo,
    ),
  );
  const attempt = a["attempt"] as Json;
  const ref = ["--agent", "coder", "--thread", String(attempt["thread_id"])];
  await ok(inbox(env.db, "claim", ...ref));
  await Deno.writeTextFile(join(String(attempt["worktree_path"]), "a.txt"), "A\n");
  await git(String(attempt["worktree_path"]), "add", "-A");
  await git(String(attempt["worktree_path"]), "commit", "-q", "-m", "A");
  await ok(inbox(env.db, "done", ...ref));
  await ok(orch(env.db, "reconcile", "--run", "R"));
  const { started } = await _blockingHook(env.repo, env.dir);
  const victim = _spawnGroup([
    "--db",
    env.db,
    "--json",
    "dispatch",
    "--run",
    "R",
    "--task",
    "T",
    "--execution-mode",
    "code",
    "--repo-path",
    env.repo,
    "--run-hooks",
  ]);
  await until(() => exists(started), { what: "the hook to start" });
  victim.killGroup();
  await victim.child.status;
  const start = String(await scalar(env.db, "SELECT start_commit FROM workspace_reservations"));
  assert.equal(start, (await git(String(attempt["worktree_path"]), "rev-parse", "HEAD")).trim());
  await ok(orch(env.db, "cancel", "--run", "R", "--task", "T"));
  await ok(orch(env.db, "cleanup", "--run", "R", "--all-completed"));
  assert.equal(await scalar(env.db, "SELECT COUNT(*) FROM workspace_reservations"), 0);
  assert.doesNotMatch(await git(env.repo, "for-each-ref", "refs/heads/orch"), /\/T\//);
});

Deno.test("dispatch after a dispatch killed inside 'worktree add -b': the branch's stale ref lock is removed, and only that one", async () => {
  await using env = await tempRepo();
  await seedRun(env.db, "R", { T: "coder" });
  // A dispatch stopped at a known point (its checkout hook), then killed: its reservation stays.
  await _killAtCheckoutHook(env);
  const branch = String(await scalar(env.db, "SELECT branch_name FROM workspace_reservations"));
  const path = String(await scalar(env.db, "SELECT worktree_path FROM workspace_reservations"));
  // Made into what a kill inside `git worktree add -b` leaves: no worktree, no branch yet, only
  // the branch's ref lock git took first.
  await git(env.repo, "worktree", "remove", "--force", path);
  await git(env.repo, "update-ref", "-d", `refs/heads/${branch}`);
  const heads = join(env.repo, ".git", "refs", "heads");
  const lock = join(heads, `${branch}.lock`);
  await Deno.mkdir(dirname(lock), { recursive: true });
  const main = (await git(env.repo, "rev-parse", "main")).trim();
  await Deno.writeTextFile(lock, `${main}\n`);
  // The lock is what blocks: git itself refuses the branch while it is there.
  const refused = await gitResult(env.repo, "branch", branch, "main");
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /\.lock/);
  // Locks of other branches (a worker can write in the shared .git) are not ours to remove.
  const others = [join(heads, "main.lock"), join(heads, `${branch}-x.lock`)];
  for (const other of others) await Deno.writeTextFile(other, `${main}\n`);

  // The next dispatch of the task discards the dead one's reservation, lock included, and
  // makes the same attempt.
  const d = await ok(orch(env.db, ..._codeDispatch(env.repo, "T")));
  const attempt = d["attempt"] as Json;
  assert.equal(attempt["branch_name"], branch);
  assert.equal(attempt["worktree_path"], path);
  assert.equal(await exists(lock), false);
  assert.equal(
    (await git(env.repo, "rev-parse", branch)).trim(),
    String(attempt["start_commit"] ?? attempt["base_commit"]),
  );
  assert.equal(await exists(join(path, "README.md")), true);
  assert.equal(await scalar(env.db, "SELECT COUNT(*) FROM workspace_reservations"), 0);
  for (const other of others) assert.equal(await exists(other), true, `${other} was removed`);
});
