/**
 * The leader loop against scripted workers: reconcile, staleness, blocked
 * questions and answers, retry, reassign, cancel, cleanup, wait and run
 * completion. Every worker action is a real inbox CLI call.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { type CliResult, inbox, ok, orch, tempDb, until } from "./_cli.ts";
import { scalar } from "./_db.ts";
import { hasFileOpen, spawnCli } from "./_spawn.ts";
import { git } from "./_git.ts";
import {
  assertError,
  attemptBranch,
  attemptPath,
  exists,
  type Json,
  orchIn,
  rowCounts,
  seedRun,
  tempRepo,
} from "./_orch.ts";

interface Dispatched {
  attempt: Json;
  /** `--agent A --thread N` of the attempt's worker. */
  ref: string[];
}

function _dispatched(j: Json): Dispatched {
  const attempt = j["attempt"] as Json;
  return {
    attempt,
    ref: ["--agent", String(attempt["assigned_to"]), "--thread", String(attempt["thread_id"])],
  };
}

async function _dispatch(
  db: string,
  run: string,
  task: string,
  ...extra: string[]
): Promise<Dispatched> {
  return _dispatched(
    await ok(
      orch(db, "dispatch", "--run", run, "--task", task, "--execution-mode", "analysis", ...extra),
    ),
  );
}

async function _status(db: string, run: string): Promise<{ run: Json; tasks: Map<string, Json> }> {
  const s = await ok(orch(db, "status", "--run", run));
  return {
    run: s["run"] as Json,
    tasks: new Map((s["tasks"] as Json[]).map((t) => [String(t["id"]), t])),
  };
}

async function _taskStatus(db: string, run: string, task: string): Promise<unknown> {
  return (await _status(db, run)).tasks.get(task)?.["status"];
}

async function _reconcile(db: string, run: string): Promise<{ to: string[]; types: string[] }> {
  const r = await ok(orch(db, "reconcile", "--run", run));
  return {
    to: (r["changes"] as Json[]).map((c) => `${c["task_id"]}:${c["to"]}`),
    types: (r["events"] as Json[]).map((e) => `${e["task_id"] ?? ""}:${e["type"]}`),
  };
}

async function _countEvents(db: string, type: string): Promise<number> {
  return Number(await scalar(db, "SELECT COUNT(*) FROM events WHERE type = ?", type));
}

function _assertCancelled(r: CliResult): void {
  assertError(r, "CANCELLED", 4);
}

Deno.test("reconcile: folds claim, progress, blocked, verifying, done and failed into tasks, once", async () => {
  await using env = await tempDb();
  const db = env.db;
  await seedRun(db, "R", { A: "wa", B: "wb" });
  const a = await _dispatch(db, "R", "A");
  const b = await _dispatch(db, "R", "B");
  assert.deepEqual(await _reconcile(db, "R"), { to: [], types: [] });

  await ok(inbox(db, "claim", ...a.ref));
  assert.deepEqual(await _reconcile(db, "R"), {
    to: ["A:in_progress"],
    types: ["A:task_in_progress"],
  });
  await ok(inbox(db, "update", ...a.ref, "--progress", "30", "--body", "a third"));
  assert.deepEqual(await _reconcile(db, "R"), { to: [], types: [] });

  await ok(inbox(db, "update", ...a.ref, "--status", "blocked", "--body", "Which DB?"));
  const blocked = await ok(orch(db, "reconcile", "--run", "R"));
  assert.deepEqual((blocked["changes"] as Json[]).map((c) => [c["from"], c["to"]]), [[
    "in_progress",
    "blocked",
  ]]);
  const ev = (blocked["events"] as Json[])[0]!;
  assert.equal(ev["type"], "task_blocked");
  assert.equal((ev["payload"] as Json)["question"], "Which DB?");
  assert.equal((ev["payload"] as Json)["attempt_id"], a.attempt["id"]);
  assert.equal(await _taskStatus(db, "R", "A"), "blocked");

  // The worker unblocks itself by replying, then verifies and finishes; B claims and fails.
  await ok(inbox(db, "update", ...a.ref, "--status", "in_progress", "--body", "found it"));
  await ok(inbox(db, "update", ...a.ref, "--status", "verifying", "--body", "checking"));
  await ok(inbox(db, "claim", ...b.ref));
  await ok(inbox(db, "fail", ...b.ref, "--reason", "cannot"));
  assert.deepEqual(await _reconcile(db, "R"), {
    to: ["A:in_progress", "A:verifying", "B:in_progress", "B:failed"],
    types: ["A:task_in_progress", "A:task_verifying", "B:task_in_progress", "B:task_failed"],
  });
  await ok(inbox(db, "done", ...a.ref, "--body", "all good"));
  assert.deepEqual(await _reconcile(db, "R"), { to: ["A:done"], types: ["A:task_done"] });

  // A worker that gives up on its thread (inbox cancel) fails the task: the leader decides.
  await ok(
    orch(db, "task", "add", "--run", "R", "--task", "C", "--title", "c", "--default-to", "wc"),
  );
  const c = await _dispatch(db, "R", "C");
  await ok(inbox(db, "claim", ...c.ref));
  await ok(inbox(db, "cancel", ...c.ref, "--body", "not for me"));
  assert.deepEqual(await _reconcile(db, "R"), {
    to: ["C:in_progress", "C:failed"],
    types: ["C:task_in_progress", "C:task_failed"],
  });
  assert.equal(
    await scalar(db, "SELECT status FROM attempts WHERE id = ?", Number(c.attempt["id"])),
    "cancelled",
  );

  // Idempotent: nothing new from the workers, nothing changes.
  const before = await rowCounts(db);
  assert.deepEqual(await _reconcile(db, "R"), { to: [], types: [] });
  assert.deepEqual(await _reconcile(db, "R"), { to: [], types: [] });
  assert.deepEqual(await rowCounts(db), before);

  const s = await _status(db, "R");
  assert.equal(s.tasks.get("A")?.["status"], "done");
  assert.equal(s.tasks.get("B")?.["status"], "failed");
  assert.equal((s.tasks.get("A")?.["latest_attempt"] as Json)["status"], "done");
  assert.equal((s.tasks.get("B")?.["latest_attempt"] as Json)["status"], "failed");
  // B failed, so the run is not complete.
  assert.equal(s.run["status"], "active");
});

Deno.test("status: a worker whose lease ran out is stale (one task_stale event); retry replaces it", async () => {
  await using env = await tempDb();
  const db = env.db;
  await seedRun(db, "R", { T: "w" });
  const first = await _dispatch(db, "R", "T");
  // A long lease first (a loaded machine may take over a second between two
  // commands), then a 1-second renewal to let it run out.
  await ok(inbox(db, "claim", ...first.ref, "--lease-seconds", "600"));
  const s = await _status(db, "R");
  assert.equal((s.tasks.get("T")?.["latest_attempt"] as Json)["stale"], false);
  await ok(inbox(db, "renew", ...first.ref, "--lease-seconds", "1"));

  await until(async () => {
    const t = (await _status(db, "R")).tasks.get("T");
    return (t?.["latest_attempt"] as Json)["stale"] === true;
  }, { what: "the attempt to go stale" });
  await ok(orch(db, "status", "--run", "R"));
  await ok(orch(db, "reconcile", "--run", "R"));
  assert.equal(await _countEvents(db, "task_stale"), 1);
  const staleEv = await ok(
    orch(db, "wait", "--run", "R", "--for", "task_stale", "--timeout-seconds", "0"),
  );
  assert.equal(((staleEv["events"] as Json[])[0]!["payload"] as Json)["assigned_to"], "w");
  assert.equal(await _taskStatus(db, "R", "T"), "in_progress");

  const retried = _dispatched(await ok(orch(db, "retry", "--run", "R", "--task", "T")));
  assert.equal(retried.attempt["n"], 2);
  assert.equal(retried.attempt["assigned_to"], "w");
  assert.equal(retried.attempt["stale"], false);
  assert.notEqual(retried.attempt["thread_id"], first.attempt["thread_id"]);
  // The old thread is cancelled: the late worker is told so.
  _assertCancelled(await inbox(db, "update", ...first.ref, "--body", "still here"));
  _assertCancelled(await inbox(db, "claim", ...first.ref));
  await ok(inbox(db, "claim", ...retried.ref));
  await ok(inbox(db, "done", ...retried.ref));
  const done = await _status(db, "R");
  assert.equal(done.tasks.get("T")?.["status"], "done");
  assert.equal(done.run["status"], "completed");
  // Retry needs a failed or stale task.
  assertError(await orch(db, "retry", "--run", "R", "--task", "T"), "INVALID_STATE", 4);
});

Deno.test("answer: the worker waiting in wait-reply gets the leader's answer and the task resumes", async () => {
  await using env = await tempDb();
  const db = env.db;
  await seedRun(db, "R", { T: "w" });
  const d = await _dispatch(db, "R", "T");
  assertError(
    await orch(db, "answer", "--run", "R", "--task", "T", "--body", "too early"),
    "NOT_BLOCKED",
    4,
  );
  await ok(inbox(db, "claim", ...d.ref));
  await ok(inbox(db, "update", ...d.ref, "--status", "blocked", "--body", "Postgres or SQLite?"));

  const blocked = await ok(orch(db, "blocked", "--run", "R"));
  const items = blocked["blocked"] as Json[];
  assert.equal(items.length, 1);
  assert.equal((items[0]!["task"] as Json)["id"], "T");
  assert.equal((items[0]!["question"] as Json)["body"], "Postgres or SQLite?");
  assert.equal((items[0]!["attempt"] as Json)["thread_id"], d.attempt["thread_id"]);

  const waiter = spawnCli("inbox", [
    "--db",
    db,
    "--json",
    "wait-reply",
    ...d.ref,
    "--timeout-seconds",
    "60",
  ]);
  try {
    await until(() => hasFileOpen(waiter.child.pid, db), { what: "wait-reply to open the db" });
    const answered = await ok(
      orch(
        db,
        "answer",
        "--run",
        "R",
        "--task",
        "T",
        "--body",
        "SQLite",
        "--payload-json",
        '{"decision":"sqlite","why":["embedded"]}',
      ),
    );
    assert.equal((answered["task"] as Json)["status"], "in_progress");
    assert.equal((answered["attempt"] as Json)["status"], "in_progress");
    const out = await waiter.child.output();
    assert.equal(out.code, 0);
    const reply = JSON.parse(new TextDecoder().decode(out.stdout)) as Json;
    assert.equal(reply["timed_out"], false);
    const m = reply["message"] as Json;
    assert.equal(m["body"], "SQLite");
    assert.deepEqual(m["payload"], { decision: "sqlite", why: ["embedded"] });
    assert.equal(m["type"], "reply");
  } finally {
    waiter.killIfRunning("SIGTERM");
    await waiter.child.status;
  }
  assert.equal(await _taskStatus(db, "R", "T"), "in_progress");
  assert.deepEqual((await ok(orch(db, "blocked", "--run", "R")))["blocked"], []);
  assert.equal(await _countEvents(db, "task_answered"), 1);
  // The task_in_progress the answer caused names the worker holding the lease, not the leader.
  const resumed = await ok(
    orch(db, "wait", "--run", "R", "--for", "task_in_progress", "--timeout-seconds", "0"),
  );
  const last = (resumed["events"] as Json[]).at(-1)!;
  assert.equal((last["payload"] as Json)["holder"], "w");
  // The worker carries on under its lease.
  await ok(inbox(db, "update", ...d.ref, "--progress", "80", "--body", "using SQLite"));
});

Deno.test("retry: a failed code task gets attempt 2 with a new branch and worktree from the same base", async () => {
  await using env = await tempRepo();
  const db = env.db;
  await seedRun(db, "R", { T: "coder" });
  const base = (await git(env.repo, "rev-parse", "HEAD")).trim();
  const first = _dispatched(
    await ok(
      orchIn(env.repo, db, "dispatch", "--run", "R", "--task", "T", "--execution-mode", "code"),
    ),
  );
  // main moves on meanwhile; the retry keeps the attempt's base.
  await Deno.writeTextFile(join(env.repo, "later.txt"), "later\n");
  await git(env.repo, "add", "later.txt");
  await git(env.repo, "commit", "-q", "-m", "later");
  await ok(inbox(db, "claim", ...first.ref));
  await ok(inbox(db, "fail", ...first.ref, "--reason", "tests do not pass"));

  const r = await ok(orch(db, "retry", "--run", "R", "--task", "T", "--to", "coder-2"));
  const a2 = r["attempt"] as Json;
  assert.equal(a2["n"], 2);
  assert.equal(a2["assigned_to"], "coder-2");
  assert.equal(a2["branch_name"], await attemptBranch(db, "R", "T", 2));
  assert.equal(
    a2["worktree_path"],
    await attemptPath(join(env.repo, ".orch/worktrees"), db, "R", "T", 2),
  );
  assert.equal(a2["base_commit"], base);
  assert.equal(a2["base_ref"], "main");
  assert.equal(a2["repo_path"], env.repo);
  assert.equal((await git(String(a2["worktree_path"]), "rev-parse", "HEAD")).trim(), base);
  assert.equal(await exists(String(first.attempt["worktree_path"])), true, "attempt 1 kept");
  assert.equal(
    await git(env.repo, "branch", "--list", "orch/*", "--format=%(refname:short)"),
    `${await attemptBranch(db, "R", "T", 1)}\n${await attemptBranch(db, "R", "T", 2)}\n`,
  );
  // The same task message body by default.
  const t2 = await ok(inbox(db, "show", "--thread", String(a2["thread_id"])));
  const t1 = await ok(inbox(db, "show", "--thread", String(first.attempt["thread_id"])));
  assert.equal(
    (t2["messages"] as Json[])[0]!["body"],
    (t1["messages"] as Json[])[0]!["body"],
  );
  // cleanup --task takes the failed attempt's worktree and leaves the live one.
  const cleaned = await ok(orch(db, "cleanup", "--run", "R", "--task", "T"));
  assert.deepEqual((cleaned["cleaned"] as Json[]).map((x) => x["n"]), [1]);
  assert.equal(await exists(String(first.attempt["worktree_path"])), false);
  assert.equal(await exists(String(a2["worktree_path"])), true);
  const ev = await ok(
    orch(db, "wait", "--run", "R", "--for", "task_retried", "--timeout-seconds", "0"),
  );
  assert.equal(
    ((ev["events"] as Json[])[0]!["payload"] as Json)["previous_attempt_id"],
    first.attempt["id"],
  );
});

Deno.test("reassign: cancels the old worker's thread and dispatches to the new worker", async () => {
  await using env = await tempDb();
  const db = env.db;
  await seedRun(db, "R", { T: "slow" });
  const old = await _dispatch(db, "R", "T", "--body", "Do the thing");
  await ok(inbox(db, "claim", ...old.ref));
  await ok(inbox(db, "update", ...old.ref, "--progress", "10", "--body", "starting"));

  const r = _dispatched(
    await ok(orch(db, "reassign", "--run", "R", "--task", "T", "--to", "fast")),
  );
  assert.equal(r.attempt["n"], 2);
  assert.equal(r.attempt["assigned_to"], "fast");
  assert.equal(r.attempt["status"], "dispatched");
  _assertCancelled(await inbox(db, "update", ...old.ref, "--progress", "20", "--body", "more"));
  _assertCancelled(await inbox(db, "done", ...old.ref));
  const oldThread = await ok(inbox(db, "show", "--thread", String(old.attempt["thread_id"])));
  assert.equal((oldThread["thread"] as Json)["status"], "cancelled");

  const s = await _status(db, "R");
  assert.equal(s.tasks.get("T")?.["status"], "dispatched");
  assert.equal((s.tasks.get("T")?.["latest_attempt"] as Json)["assigned_to"], "fast");
  assert.equal(
    await scalar(db, "SELECT status FROM attempts WHERE id = ?", Number(old.attempt["id"])),
    "cancelled",
  );
  // The old thread's cancellation does not fail the task.
  assert.deepEqual(await _reconcile(db, "R"), { to: [], types: [] });
  await ok(inbox(db, "claim", ...r.ref));
  assert.equal(await _taskStatus(db, "R", "T"), "in_progress");
  const newThread = await ok(inbox(db, "show", "--thread", String(r.attempt["thread_id"])));
  assert.equal((newThread["messages"] as Json[])[0]!["body"], "Do the thing");
  assertError(
    await orch(db, "reassign", "--run", "R", "--task", "Nope", "--to", "x"),
    "TASK_NOT_FOUND",
    3,
  );
});

Deno.test("cancel --task: cancels the task and its live thread; the worker sees CANCELLED", async () => {
  await using env = await tempDb();
  const db = env.db;
  await seedRun(db, "R", { T: "w", U: "w", V: "w" }, [["V", "U"]]);
  const d = await _dispatch(db, "R", "T");
  await ok(inbox(db, "claim", ...d.ref));
  const r = await ok(orch(db, "cancel", "--run", "R", "--task", "T", "--reason", "Not needed"));
  assert.deepEqual(r["cancelled_tasks"], ["T"]);
  assert.deepEqual(r["cancelled_threads"], [d.attempt["thread_id"]]);
  assert.equal((r["run"] as Json)["status"], "active");
  _assertCancelled(await inbox(db, "update", ...d.ref, "--body", "working"));
  assert.equal(await _taskStatus(db, "R", "T"), "cancelled");

  // A task that was never dispatched has no thread to cancel; V waits on U,
  // so it could never become ready: it is cancelled with it.
  const u = await ok(orch(db, "cancel", "--run", "R", "--task", "U"));
  assert.deepEqual(u["cancelled_tasks"], ["U", "V"]);
  assert.deepEqual(u["cancelled_threads"], []);
  assert.equal(await _taskStatus(db, "R", "V"), "cancelled");
  assertError(await orch(db, "cancel", "--run", "R", "--task", "U"), "INVALID_STATE", 4);
  assert.equal(await _countEvents(db, "task_cancelled"), 3);
});

Deno.test("task add: a task added to a completed run reopens it", async () => {
  await using env = await tempDb();
  const db = env.db;
  await seedRun(db, "R", { A: "w" });
  const a = await _dispatch(db, "R", "A");
  await ok(inbox(db, "claim", ...a.ref));
  await ok(inbox(db, "done", ...a.ref));
  assert.equal((await _status(db, "R")).run["status"], "completed");
  await ok(
    orch(db, "task", "add", "--run", "R", "--task", "B", "--title", "More", "--default-to", "w"),
  );
  assert.equal((await _status(db, "R")).run["status"], "active");
  assert.equal(await _countEvents(db, "run_reopened"), 1);
  await ok(orch(db, "cancel", "--run", "R"));
  assertError(
    await orch(
      db,
      "task",
      "add",
      "--run",
      "R",
      "--task",
      "C",
      "--title",
      "No",
      "--default-to",
      "w",
    ),
    "INVALID_STATE",
    4,
  );
});

Deno.test("cancel --task: giving up on a failed task lets the run complete", async () => {
  await using env = await tempDb();
  const db = env.db;
  await seedRun(db, "R", { A: "wa", B: "wb" });
  const a = await _dispatch(db, "R", "A");
  const b = await _dispatch(db, "R", "B");
  await ok(inbox(db, "claim", ...a.ref));
  await ok(inbox(db, "done", ...a.ref));
  await ok(inbox(db, "claim", ...b.ref));
  await ok(inbox(db, "fail", ...b.ref, "--reason", "impossible"));
  assert.equal((await _status(db, "R")).run["status"], "active");
  const r = await ok(orch(db, "cancel", "--run", "R", "--task", "B"));
  assert.deepEqual(r["cancelled_tasks"], ["B"]);
  assert.deepEqual(r["cancelled_threads"], []);
  assert.equal((r["run"] as Json)["status"], "completed");
  assert.equal(await _countEvents(db, "run_completed"), 1);
  assertError(await orch(db, "cancel", "--run", "R", "--task", "A"), "INVALID_STATE", 4);
});

Deno.test("cancel (run): every open thread is cancelled, workers see it, the run is cancelled", async () => {
  await using env = await tempDb();
  const db = env.db;
  await seedRun(db, "R", { A: "wa", B: "wb", C: "wc", D: "wd" }, [["C", "A"]]);
  const a = await _dispatch(db, "R", "A");
  const b = await _dispatch(db, "R", "B");
  const d = await _dispatch(db, "R", "D");
  await ok(inbox(db, "claim", ...a.ref));
  await ok(inbox(db, "claim", ...d.ref));
  await ok(inbox(db, "done", ...d.ref));

  const r = await ok(orch(db, "cancel", "--run", "R", "--reason", "Change of plan"));
  assert.equal((r["run"] as Json)["status"], "cancelled");
  assert.deepEqual(r["cancelled_tasks"], ["A", "B", "C"]);
  assert.deepEqual(r["cancelled_threads"], [a.attempt["thread_id"], b.attempt["thread_id"]]);
  _assertCancelled(await inbox(db, "update", ...a.ref, "--body", "hello?"));
  _assertCancelled(await inbox(db, "claim", ...b.ref));
  const shown = await ok(inbox(db, "show", "--thread", String(b.attempt["thread_id"])));
  assert.equal((shown["thread"] as Json)["status"], "cancelled");
  const msgs = shown["messages"] as Json[];
  assert.equal(msgs[msgs.length - 1]!["body"], "Change of plan");

  const s = await _status(db, "R");
  assert.equal(s.run["status"], "cancelled");
  assert.deepEqual([...s.tasks.values()].map((t) => t["status"]), [
    "cancelled",
    "cancelled",
    "cancelled",
    "done",
  ]);
  assert.equal(await _countEvents(db, "run_cancelled"), 1);
  const before = await rowCounts(db);
  assertError(await orch(db, "cancel", "--run", "R"), "INVALID_STATE", 4);
  assertError(
    await orch(db, "task", "add", "--run", "R", "--task", "E", "--title", "late"),
    "INVALID_STATE",
    4,
  );
  assert.deepEqual(await rowCounts(db), before);
});

Deno.test("cleanup: removes finished worktrees, keeps branches, refuses dirty ones unless --force", async () => {
  await using env = await tempRepo();
  const db = env.db;
  await seedRun(db, "R", { A: "w", B: "w", C: "w" });
  const code = (task: string) =>
    ok(orchIn(env.repo, db, "dispatch", "--run", "R", "--task", task, "--execution-mode", "code"))
      .then(_dispatched);
  const a = await code("A");
  const b = await code("B");
  const c = await code("C");
  for (const x of [a, b]) {
    await ok(inbox(db, "claim", ...x.ref));
    await ok(inbox(db, "done", ...x.ref));
  }
  await ok(inbox(db, "claim", ...c.ref));
  const pathOf = (x: Dispatched) => String(x.attempt["worktree_path"]);
  await Deno.writeTextFile(join(pathOf(b), "scratch.txt"), "uncommitted\n");

  // Nothing to clean for a task still running.
  assert.deepEqual((await ok(orch(db, "cleanup", "--run", "R", "--task", "C")))["cleaned"], []);

  const one = await ok(orch(db, "cleanup", "--run", "R", "--task", "A"));
  const cleanedA = one["cleaned"] as Json[];
  assert.deepEqual(cleanedA.map((x) => [x["task_id"], x["workspace_status"]]), [["A", "cleaned"]]);
  assert.equal(await exists(pathOf(a)), false);
  assert.equal(
    (await git(env.repo, "rev-parse", "--verify", "-q", await attemptBranch(db, "R", "A"))).trim(),
    a.attempt["base_commit"],
  );

  const dirty = await orch(db, "cleanup", "--run", "R", "--task", "B");
  assertError(dirty, "WORKTREE_DIRTY", 5);
  assert.equal(
    dirty.json.error!.message,
    `Worktree "${pathOf(b)}" has uncommitted changes: commit them or pass --force`,
  );
  assert.equal(await exists(join(pathOf(b), "scratch.txt")), true);

  const all = await ok(orch(db, "cleanup", "--run", "R", "--all-completed"));
  assert.deepEqual(all["cleaned"], []);
  const refused = all["refused"] as Json[];
  assert.deepEqual(refused.map((x) => [(x["attempt"] as Json)["task_id"], x["code"]]), [[
    "B",
    "WORKTREE_DIRTY",
  ]]);
  assert.equal(
    refused[0]!["reason"],
    `Worktree "${pathOf(b)}" has uncommitted changes: commit them or pass --force`,
  );
  assert.equal(await exists(pathOf(b)), true);

  const forced = await ok(orch(db, "cleanup", "--run", "R", "--all-completed", "--force"));
  assert.deepEqual((forced["cleaned"] as Json[]).map((x) => x["task_id"]), ["B"]);
  assert.equal(await exists(pathOf(b)), false);
  assert.equal(await exists(pathOf(c)), true, "the running task's worktree stays");
  assert.equal(
    await git(env.repo, "branch", "--list", "orch/*", "--format=%(refname:short)"),
    (await Promise.all(["A", "B", "C"].map((t) => attemptBranch(db, "R", t))))
      .map((b) => `${b}\n`).join(""),
  );
  const s = await _status(db, "R");
  assert.equal((s.tasks.get("A")?.["latest_attempt"] as Json)["workspace_status"], "cleaned");
  assert.equal((s.tasks.get("B")?.["latest_attempt"] as Json)["workspace_status"], "cleaned");
  assert.equal((s.tasks.get("C")?.["latest_attempt"] as Json)["workspace_status"], "active");
  assert.equal(await _countEvents(db, "workspace_cleaned"), 2);
  // A second run finds nothing to do.
  const again = await ok(orch(db, "cleanup", "--run", "R", "--all-completed", "--force"));
  assert.deepEqual([again["cleaned"], again["refused"]], [[], []]);
});

Deno.test("cleanup: a worktree someone already deleted is marked missing", async () => {
  await using env = await tempRepo();
  const db = env.db;
  await seedRun(db, "R", { A: "w" });
  const a = _dispatched(
    await ok(
      orchIn(env.repo, db, "dispatch", "--run", "R", "--task", "A", "--execution-mode", "code"),
    ),
  );
  await ok(inbox(db, "claim", ...a.ref));
  await ok(inbox(db, "fail", ...a.ref, "--reason", "no"));
  await Deno.remove(String(a.attempt["worktree_path"]), { recursive: true });
  const r = await ok(orch(db, "cleanup", "--run", "R", "--all-completed"));
  assert.deepEqual((r["cleaned"] as Json[]).map((x) => x["workspace_status"]), ["missing"]);
  assert.equal(
    (await git(env.repo, "worktree", "list", "--porcelain")).includes("attempt-1"),
    false,
  );
});

Deno.test("wait: wakes up when a worker writes from another process", async () => {
  await using env = await tempDb();
  const db = env.db;
  await seedRun(db, "R", { T: "w" });
  const d = await _dispatch(db, "R", "T");
  await ok(inbox(db, "claim", ...d.ref));
  const cursor = Number(await scalar(db, "SELECT MAX(id) FROM events"));
  const waiter = spawnCli("orch", [
    "--db",
    db,
    "--json",
    "wait",
    "--run",
    "R",
    "--for",
    "task_done,task_failed",
    "--after-event",
    String(cursor),
    "--timeout-seconds",
    "60",
  ]);
  try {
    await until(() => hasFileOpen(waiter.child.pid, db), { what: "wait to open the db" });
    assert.equal(waiter.exited(), false, "wait must not return before the worker writes");
    await ok(inbox(db, "done", ...d.ref, "--body", "finished"));
    const out = await waiter.child.output();
    assert.equal(out.code, 0);
    const r = JSON.parse(new TextDecoder().decode(out.stdout)) as Json;
    assert.equal(r["ok"], true);
    assert.equal(r["timed_out"], false);
    const events = r["events"] as Json[];
    assert.deepEqual(events.map((e) => [e["type"], e["task_id"]]), [["task_done", "T"]]);
    assert.equal(r["next_after_event"], events[0]!["id"]);
    assert.ok(Number(events[0]!["id"]) > cursor);
  } finally {
    waiter.killIfRunning("SIGTERM");
    await waiter.child.status;
  }
});

Deno.test("wait: times out with ok:true, timed_out:true and exit 0; --for bogus is USAGE", async () => {
  await using env = await tempDb();
  const db = env.db;
  await seedRun(db, "R", { T: "w" });
  const cursor = Number(await scalar(db, "SELECT MAX(id) FROM events"));
  const r = await orch(
    db,
    "wait",
    "--run",
    "R",
    "--after-event",
    String(cursor),
    "--timeout-seconds",
    "0.2",
  );
  assert.equal(r.code, 0);
  assert.deepEqual(
    [r.json.ok, r.json["timed_out"], r.json["events"], r.json["next_after_event"]],
    [true, true, [], cursor],
  );
  // Without a cursor the run's own events already match (task_added, run_created).
  const all = await ok(orch(db, "wait", "--run", "R", "--for", "all", "--timeout-seconds", "0"));
  assert.deepEqual((all["events"] as Json[]).map((e) => e["type"]), ["run_created", "task_added"]);
  assertError(await orch(db, "wait", "--run", "R", "--for", "bogus"), "USAGE", 2);
  assertError(await orch(db, "wait", "--run", "R", "--for", "task_done,nope"), "USAGE", 2);
  assertError(
    await orch(db, "wait", "--run", "Nope", "--timeout-seconds", "0"),
    "RUN_NOT_FOUND",
    3,
  );
});

Deno.test("status: the run completes (run_completed, once) when every task is done", async () => {
  await using env = await tempDb();
  const db = env.db;
  await seedRun(db, "R", { A: "wa", B: "wb" }, [["B", "A"]]);
  const a = await _dispatch(db, "R", "A");
  await ok(inbox(db, "claim", ...a.ref));
  await ok(inbox(db, "done", ...a.ref));
  assert.equal((await _status(db, "R")).run["status"], "active");
  const b = await _dispatch(db, "R", "B");
  await ok(inbox(db, "claim", ...b.ref));
  await ok(inbox(db, "done", ...b.ref));
  const s = await _status(db, "R");
  assert.equal(s.run["status"], "completed");
  assert.equal(await _countEvents(db, "run_completed"), 1);
  const shown = await ok(orch(db, "run", "show", "--run", "R"));
  assert.equal((shown["counts"] as Json)["done"], 2);
  await ok(orch(db, "status", "--run", "R"));
  assert.equal(await _countEvents(db, "run_completed"), 1);
  const w = await ok(
    orch(db, "wait", "--run", "R", "--for", "run_completed", "--timeout-seconds", "0"),
  );
  assert.equal((w["events"] as Json[]).length, 1);
});
