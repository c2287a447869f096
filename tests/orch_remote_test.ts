/**
 * Issue 8 item 5: a code attempt handed to a worker on another host. Two
 * "hosts" are two clones in their own directories with a bare repository as
 * the remote both reach, and one store (the test's: the SQLite file, or the
 * PostgreSQL URL on that leg). The leader publishes the attempt's branch, the
 * worker's host runs the documented plain-git recipe, commits, pushes back
 * and says `done`; the leader collects, and acceptance and `orch merge` land
 * the worker's commit. Hostile remotes are refused and run nothing.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { inbox, ok } from "./_cli.ts";
import { dispatch, dispatchAnalysis, dispatchCode, statusOf } from "./_code.ts";
import { git, gitResult } from "./_git.ts";
import { assertError, exists, type Json, orchIn, seedRun, tempRepo } from "./_orch.ts";

type Env = { dir: string; repo: string; db: string };

/** The shared bare remote ("shared" in the leader's repo) and the worker host's clone of it. */
async function _hosts(env: Env): Promise<{ bare: string; workerClone: string }> {
  const bare = join(env.dir, "shared.git");
  await git(env.dir, "init", "-q", "--bare", bare);
  await git(env.repo, "remote", "add", "shared", bare);
  await git(env.repo, "push", "-q", "shared", "main");
  const workerHost = join(env.dir, "worker-host");
  await Deno.mkdir(workerHost);
  const workerClone = join(workerHost, "repo");
  await git(workerHost, "clone", "-q", bare, workerClone);
  await git(workerClone, "config", "user.name", "Remote Worker");
  await git(workerClone, "config", "user.email", "remote-worker@example.com");
  await git(workerClone, "config", "commit.gpgsign", "false");
  return { bare, workerClone };
}

/** The worker's task message payload, as `inbox fetch` gives it on the worker's host. */
async function _payload(db: string, agent: string): Promise<Json> {
  const f = await ok(inbox(db, "fetch", "--agent", agent));
  const messages = f["messages"] as Json[];
  const task = messages.find((m) => m["type"] === "task");
  assert.ok(task, JSON.stringify(f));
  return task["payload"] as Json;
}

/**
 * The recipe of docs/protocol.md#code-attempts-on-another-host, on the worker's
 * host: fetch the branch, check its start, make a worktree, commit, push.
 */
async function _workRemotely(
  workerClone: string,
  payload: Json,
  files: Record<string, string>,
): Promise<{ worktree: string; commit: string }> {
  const branch = String(payload["branch_name"]);
  const start = String(payload["start_commit"]);
  await git(workerClone, "fetch", "-q", "origin", `refs/heads/${branch}:refs/heads/${branch}`);
  assert.equal((await git(workerClone, "rev-parse", branch)).trim(), start);
  const worktree = join(workerClone, "..", "attempt");
  await git(workerClone, "worktree", "add", "-q", worktree, branch);
  for (const [name, text] of Object.entries(files)) {
    await Deno.writeTextFile(join(worktree, name), text);
  }
  await git(worktree, "add", "-A");
  await git(worktree, "commit", "-q", "-m", "remote work");
  await git(worktree, "push", "-q", "origin", branch);
  return { worktree, commit: (await git(worktree, "rev-parse", "HEAD")).trim() };
}

function _collect(env: Env, remote = "shared", task = "T") {
  return orchIn(env.repo, env.db, "collect", "--run", "R", "--task", task, "--remote", remote);
}

function _publish(env: Env, remote = "shared", task = "T") {
  return orchIn(env.repo, env.db, "publish", "--run", "R", "--task", task, "--remote", remote);
}

async function _refs(repo: string, prefix: string): Promise<string> {
  return (await git(repo, "for-each-ref", "--format=%(refname)", prefix)).trim();
}

Deno.test("remote worker: publish, plain-git recipe on the worker's host, collect, accept, merge", async () => {
  await using env = await tempRepo();
  const { bare, workerClone } = await _hosts(env);
  await seedRun(env.db, "R", { T: "remote-worker" });
  const a = await dispatchCode(env.repo, env.db, "R", "T");

  // Collecting before anything was published: the remote has no such branch.
  assertError(await _collect(env), "REMOTE_NOT_FOUND", 3);

  const pub = await ok(_publish(env));
  const start = String(pub["start_commit"]);
  assert.equal(pub["branch_name"], a.branch);
  assert.equal(pub["commit"], start);
  assert.equal((await git(bare, "rev-parse", `refs/heads/${a.branch}`)).trim(), start);

  // The worker's host: only the store and the remote in common with the leader.
  const payload = await _payload(env.db, "remote-worker");
  assert.equal(payload["branch_name"], a.branch);
  await ok(inbox(env.db, "claim", ...a.ref));
  const remote = await _workRemotely(workerClone, payload, { "remote.txt": "from afar\n" });

  // Nothing new on the remote for the leader yet is fine: nothing moves.
  // (Publishing again now would overwrite the worker's push: refused, remote untouched.)
  const again = await _publish(env);
  assertError(again, "REMOTE_ERROR", 5);
  assert.equal((await git(bare, "rev-parse", `refs/heads/${a.branch}`)).trim(), remote.commit);

  await ok(inbox(env.db, "done", ...a.ref, "--body", "done remotely"));
  // Reconciled before the leader collected: judged on the leader's copy, which has no commits yet.
  const early = await statusOf(env.repo, env.db, "R");
  assert.equal(early.tasks.get("T")!["status"], "blocked");

  const c = await ok(_collect(env));
  assert.equal(c["moved"], true);
  assert.equal(c["from"], start);
  assert.equal(c["to"], remote.commit);
  assert.equal(c["task_status"], "done");
  const result = (c["attempt"] as Json)["result"] as Json;
  assert.equal(result["status"], "accepted");
  assert.equal(result["head_commit"], remote.commit);
  assert.equal((await git(env.repo, "rev-parse", `refs/heads/${a.branch}`)).trim(), remote.commit);
  // The leader's checkout of the attempt was fast-forwarded, and is clean.
  assert.equal(await Deno.readTextFile(join(a.worktree, "remote.txt")), "from afar\n");
  assert.equal((await git(a.worktree, "status", "--porcelain")).trim(), "");
  assert.equal(await _refs(env.repo, "refs/orch-collect"), "", "the private ref is removed");

  // Collecting again changes nothing.
  const twice = await ok(_collect(env));
  assert.equal(twice["moved"], false);
  assert.equal(twice["to"], remote.commit);

  const m = await ok(orchIn(env.repo, env.db, "merge", "--run", "R", "--into", "main"));
  assert.deepEqual((m["merged"] as Json[]).map((x) => x["task_id"]), ["T"]);
  const main = (await git(env.repo, "rev-parse", "main")).trim();
  assert.equal(
    (await gitResult(env.repo, "merge-base", "--is-ancestor", remote.commit, main)).code,
    0,
    "the worker's commit is in main",
  );
  assert.equal(await git(env.repo, "show", "main:remote.txt"), "from afar\n");
});

/** The `sh` blocks of the brief's workspace section, line by line. */
function _shLines(brief: string): string[] {
  const section = brief.slice(brief.indexOf("## Your workspace"), brief.indexOf("## Protocol"));
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => m[1]!.trim().split("\n"));
}

Deno.test("remote worker: orch brief --remote gives the worker's host commands that work", async () => {
  await using env = await tempRepo();
  const { workerClone } = await _hosts(env);
  await seedRun(env.db, "R", { T: "remote-worker" });
  const d = await dispatch(env.repo, env.db, "R", "T", "code");
  const saved = join(env.dir, "dispatch.json");
  await Deno.writeTextFile(saved, d.stdout);
  await ok(_publish(env));
  const b = await ok(
    orchIn(env.repo, env.db, "brief", "--dispatch-json", saved, "--remote", "origin"),
  );
  const brief = String(b["brief"]);
  assert.doesNotMatch(brief, /Run `cd /, "not the leader's worktree");
  const [fetch, check, add, cd, push] = _shLines(brief);
  assert.match(push!, /^git push '?origin'? /, brief);
  // The worker's host runs them as written, from its clone; the worktree is made next to it.
  const sh = async (line: string, cwd: string) => {
    const out = await new Deno.Command("sh", { args: ["-c", line], cwd }).output();
    assert.equal(out.code, 0, `${line}: ${new TextDecoder().decode(out.stderr)}`);
  };
  for (const line of [fetch!, check!, add!]) await sh(line, workerClone);
  const worktree = join(workerClone, cd!.replace(/^cd '?(.*?)'?$/, "$1"));
  await git(
    worktree,
    "-c",
    "user.name=w",
    "-c",
    "user.email=w@x",
    "commit",
    "-q",
    "--allow-empty",
    "-m",
    "w",
  );
  await sh(push!, worktree);
  const a = d.json["attempt"] as Json;
  const c = await ok(_collect(env));
  assert.equal(c["moved"], true);
  assert.equal(c["to"], (await git(worktree, "rev-parse", "HEAD")).trim());
  assert.equal(String(a["branch_name"]), c["branch_name"]);

  // Not for an analysis attempt.
  await ok(orchIn(env.repo, env.db, "task", "add", "--run", "R", "--task", "A", "--title", "a"));
  const da = await dispatch(env.repo, env.db, "R", "A", "analysis", "--to", "x");
  await Deno.writeTextFile(saved, da.stdout);
  assertError(
    await orchIn(env.repo, env.db, "brief", "--dispatch-json", saved, "--remote", "origin"),
    "USAGE",
    2,
  );
});

Deno.test("remote worker: a rewritten remote branch is refused and nothing moves", async () => {
  await using env = await tempRepo();
  const { bare, workerClone } = await _hosts(env);
  await seedRun(env.db, "R", { T: "remote-worker" });
  const a = await dispatchCode(env.repo, env.db, "R", "T");
  await ok(_publish(env));
  const payload = await _payload(env.db, "remote-worker");
  const start = String(payload["start_commit"]);
  await ok(inbox(env.db, "claim", ...a.ref));
  const first = await _workRemotely(workerClone, payload, { "one.txt": "1\n" });
  await ok(_collect(env));
  assert.equal((await git(env.repo, "rev-parse", a.branch)).trim(), first.commit);

  // Rewritten on the remote: the first commit replaced (still on the start, but not a fast-forward).
  await git(first.worktree, "commit", "-q", "--amend", "-m", "rewritten");
  await git(first.worktree, "push", "-q", "--force", "origin", a.branch);
  const rebased = await _collect(env);
  assertError(rebased, "REMOTE_REWRITTEN", 5);
  assert.equal((await git(env.repo, "rev-parse", a.branch)).trim(), first.commit);

  // Replaced by history that does not descend from the attempt's start at all.
  await git(first.worktree, "checkout", "-q", "--orphan", "elsewhere");
  await git(first.worktree, "commit", "-q", "-m", "unrelated");
  await git(first.worktree, "push", "-q", "--force", "origin", `HEAD:refs/heads/${a.branch}`);
  const orphan = await _collect(env);
  assertError(orphan, "REMOTE_REWRITTEN", 5);
  assert.match(orphan.json.error!.message, /does not descend from the attempt's start/);
  assert.equal((await git(env.repo, "rev-parse", a.branch)).trim(), first.commit);
  assert.equal(await _refs(env.repo, "refs/orch-collect"), "", "no private ref left behind");
  assert.equal(
    (await gitResult(env.repo, "merge-base", "--is-ancestor", start, first.commit)).code,
    0,
  );
  assert.ok(await exists(join(bare, "HEAD")));

  // An unknown remote name is refused before git talks to anything.
  assertError(await _collect(env, "nowhere"), "REMOTE_NOT_FOUND", 3);
});

Deno.test("remote worker: the repository's config cannot make publish or collect run a command", async () => {
  await using env = await tempRepo();
  await _hosts(env);
  await seedRun(env.db, "R", { T: "remote-worker" });
  await dispatchCode(env.repo, env.db, "R", "T");
  const marker = join(env.dir, "ran");
  // Planted where a worker sharing the leader's .git could write them: upload/receive-pack
  // commands for the remote's name and for its URL (git applies `remote.<url>.*` to a URL too).
  const url = `file://${join(env.dir, "shared.git")}`;
  await git(env.repo, "config", "remote.shared.url", url);
  for (const name of ["shared", url]) {
    await git(
      env.repo,
      "config",
      `remote.${name}.uploadpack`,
      `touch '${marker}'; git-upload-pack`,
    );
    await git(
      env.repo,
      "config",
      `remote.${name}.receivepack`,
      `touch '${marker}'; git-receive-pack`,
    );
  }
  await gitResult(env.repo, "fetch", "-q", url);
  assert.equal(await exists(marker), true, "control: plain git runs the URL's upload-pack");
  await Deno.remove(marker);
  await git(env.repo, "config", "protocol.ext.allow", "always");
  await git(env.repo, "config", "remote.evil.url", `ext::sh -c touch% ${marker}`);
  await gitResult(env.repo, "fetch", "-q", "shared");
  assert.equal(await exists(marker), true, "control: plain git runs the planted upload-pack");
  await Deno.remove(marker);
  await gitResult(env.repo, "fetch", "-q", "evil");
  assert.equal(await exists(marker), true, "control: plain git runs the ext:: command");
  await Deno.remove(marker);

  await ok(_publish(env));
  const c = await ok(_collect(env));
  assert.equal(c["moved"], false);
  assertError(await _collect(env, "evil"), "REMOTE_ERROR", 5);
  assertError(await _publish(env, "evil"), "REMOTE_ERROR", 5);
  assert.equal(await exists(marker), false);
});

Deno.test("remote worker: publish and collect look up the attempt, its branch and the remote alike", async () => {
  await using env = await tempRepo();
  await _hosts(env);
  await seedRun(env.db, "R", { T: "remote-worker", A: "reader" });
  const a = await dispatchCode(env.repo, env.db, "R", "T");
  await dispatchAnalysis(env.repo, env.db, "R", "A");
  for (const [what, command] of [["publish", _publish], ["collect", _collect]] as const) {
    // An analysis attempt has no branch to hand over.
    const analysis = await command(env, "shared", "A");
    assertError(analysis, "INVALID_STATE", 4);
    assert.match(analysis.json.error!.message, /is an analysis attempt/, what);
    // An unknown attempt number, an unknown remote.
    const missing = await orchIn(
      env.repo,
      env.db,
      what,
      "--run",
      "R",
      "--task",
      "T",
      "--remote",
      "shared",
      "--attempt",
      "9",
    );
    assertError(missing, "ATTEMPT_NOT_FOUND", 3);
    assertError(await command(env, "nowhere"), "REMOTE_NOT_FOUND", 3);
  }
  // The branch gone from the leader's repository: refused before the remote is even looked up.
  const head = (await git(env.repo, "rev-parse", a.branch)).trim();
  await git(env.repo, "update-ref", "-d", `refs/heads/${a.branch}`);
  for (const [what, command] of [["publish", _publish], ["collect", _collect]] as const) {
    for (const remote of ["shared", "nowhere"]) {
      const gone = await command(env, remote);
      assertError(gone, "WORKSPACE_ERROR", 5);
      assert.match(gone.json.error!.message, /no longer exists/, `${what} ${remote}`);
    }
  }
  await git(env.repo, "update-ref", `refs/heads/${a.branch}`, head);
  const published = await ok(_publish(env));
  const collected = await ok(_collect(env));
  const ids = ["run_id", "task_id", "attempt_n", "remote", "branch_name", "start_commit"];
  for (const k of ids) assert.deepEqual(collected[k], published[k], k);
  assert.equal(published["branch_name"], a.branch);
  assert.equal(published["commit"], head);
  assert.equal(collected["moved"], false);
});
