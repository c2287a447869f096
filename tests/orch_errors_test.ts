/**
 * Bad input on every orch command: a clear JSON error with the right code
 * and exit status, no stack trace, and the database byte-for-byte unchanged.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { cli, inbox, ok, orch, tempDb } from "./_cli.ts";
import { dumpDb } from "./_db.ts";
import { assertError, exists, field, type Json, seedRun } from "./_orch.ts";

type Case = [what: string, args: string[], code: string, exit: number, message?: RegExp];

/** A run R: A ready, B waiting on A, C claimed by its worker, D blocked on a question. */
async function _fixture(db: string): Promise<void> {
  await seedRun(db, "R", { A: "wa", B: "wb", C: "wc", D: "wd" }, [["B", "A"]]);
  for (const [task, agent, blocked] of [["C", "wc", false], ["D", "wd", true]] as const) {
    const d = await ok(
      orch(db, "dispatch", "--run", "R", "--task", task, "--execution-mode", "analysis"),
    );
    const ref = ["--agent", agent, "--thread", String((d["attempt"] as Json)["thread_id"])];
    await ok(inbox(db, "claim", ...ref));
    if (blocked) await ok(inbox(db, "update", ...ref, "--status", "blocked", "--body", "Which?"));
  }
  // Fold the workers' writes now, so the cases below have nothing to reconcile.
  await ok(orch(db, "reconcile", "--run", "R"));
}

/** Runs each case against `db` and checks the error and that nothing was written. */
async function _check(db: string, cases: Case[]): Promise<void> {
  const before = await dumpDb(db);
  for (const [what, args, code, exit, message] of cases) {
    const r = await orch(db, ...args);
    try {
      assertError(r, code, exit);
      if (message) assert.match(r.json.error!.message, message);
    } catch (err) {
      throw new Error(`${what} (orch ${args.join(" ")}): ${(err as Error).message}`);
    }
    assert.deepEqual(await dumpDb(db), before, `${what} wrote to the database`);
  }
}

Deno.test("orch: a missing required flag is USAGE (exit 2) on every command", async () => {
  await using env = await tempDb();
  await _fixture(env.db);
  await _check(env.db, [
    ["run init without --goal", ["run", "init", "--run", "X"], "USAGE", 2],
    ["run init without --run", ["run", "init", "--goal", "g"], "USAGE", 2],
    ["run show without --run", ["run", "show"], "USAGE", 2],
    ["task add without --title", ["task", "add", "--run", "R", "--task", "Z"], "USAGE", 2],
    ["task add without --task", ["task", "add", "--run", "R", "--title", "t"], "USAGE", 2],
    ["dep add without --depends-on", ["dep", "add", "--run", "R", "--task", "B"], "USAGE", 2],
    ["ready without --run", ["ready"], "USAGE", 2],
    ["dispatch without --execution-mode", ["dispatch", "--run", "R", "--task", "A"], "USAGE", 2],
    [
      "dispatch without --task",
      ["dispatch", "--run", "R", "--execution-mode", "analysis"],
      "USAGE",
      2,
    ],
    ["reconcile without --run", ["reconcile"], "USAGE", 2],
    ["wait without --run", ["wait", "--timeout-seconds", "0"], "USAGE", 2],
    ["blocked without --run", ["blocked"], "USAGE", 2],
    ["answer without a body", ["answer", "--run", "R", "--task", "D"], "USAGE", 2],
    ["answer without --task", ["answer", "--run", "R", "--body", "x"], "USAGE", 2],
    ["retry without --task", ["retry", "--run", "R"], "USAGE", 2],
    ["reassign without --to", ["reassign", "--run", "R", "--task", "C"], "USAGE", 2],
    [
      "reassign of an analysis task with --base-ref",
      ["reassign", "--run", "R", "--task", "C", "--to", "wz", "--base-ref", "main"],
      "USAGE",
      2,
      /^--base-ref applies to code tasks only: "C" is an analysis task$/,
    ],
    ["cancel without --run", ["cancel"], "USAGE", 2],
    ["cleanup without a scope", ["cleanup", "--run", "R"], "USAGE", 2],
    [
      "cleanup with both scopes",
      ["cleanup", "--run", "R", "--task", "A", "--all-completed"],
      "USAGE",
      2,
    ],
    ["status without --run", ["status"], "USAGE", 2],
    ["brief without --dispatch-json", ["brief"], "USAGE", 2],
    [
      "council start without --body",
      ["council", "start", "--run", "K", "--topic", "t"],
      "USAGE",
      2,
    ],
    [
      "council start without --topic",
      ["council", "start", "--run", "K", "--body", "b"],
      "USAGE",
      2,
    ],
    ["council wait without --run", ["council", "wait"], "USAGE", 2],
    ["council tally without --run", ["council", "tally"], "USAGE", 2],
    ["council report without --run", ["council", "report"], "USAGE", 2],
    ["an unknown command", ["frobnicate"], "USAGE", 2],
    ["an unknown flag", ["status", "--run", "R", "--verbose"], "USAGE", 2],
    ["a stray argument", ["status", "--run", "R", "extra"], "USAGE", 2],
  ]);
});

Deno.test("orch: an unknown run is RUN_NOT_FOUND and an unknown task TASK_NOT_FOUND (exit 3)", async () => {
  await using env = await tempDb();
  await _fixture(env.db);
  const run = ["--run", "Nope"];
  await _check(env.db, [
    ["run show", ["run", "show", ...run], "RUN_NOT_FOUND", 3],
    ["task add", ["task", "add", ...run, "--task", "Z", "--title", "t"], "RUN_NOT_FOUND", 3],
    ["dep add", ["dep", "add", ...run, "--task", "A", "--depends-on", "B"], "RUN_NOT_FOUND", 3],
    ["ready", ["ready", ...run], "RUN_NOT_FOUND", 3],
    [
      "dispatch",
      ["dispatch", ...run, "--task", "A", "--execution-mode", "analysis"],
      "RUN_NOT_FOUND",
      3,
    ],
    ["reconcile", ["reconcile", ...run], "RUN_NOT_FOUND", 3],
    ["wait", ["wait", ...run, "--timeout-seconds", "0"], "RUN_NOT_FOUND", 3],
    ["blocked", ["blocked", ...run], "RUN_NOT_FOUND", 3],
    ["answer", ["answer", ...run, "--task", "D", "--body", "x"], "RUN_NOT_FOUND", 3],
    ["retry", ["retry", ...run, "--task", "A"], "RUN_NOT_FOUND", 3],
    ["reassign", ["reassign", ...run, "--task", "C", "--to", "w"], "RUN_NOT_FOUND", 3],
    ["cancel", ["cancel", ...run], "RUN_NOT_FOUND", 3],
    ["cleanup", ["cleanup", ...run, "--all-completed"], "RUN_NOT_FOUND", 3],
    ["status", ["status", ...run], "RUN_NOT_FOUND", 3],
    ["council wait", ["council", "wait", ...run, "--timeout-seconds", "0"], "RUN_NOT_FOUND", 3],
    ["council tally", ["council", "tally", ...run], "RUN_NOT_FOUND", 3],
    ["council report", ["council", "report", ...run], "RUN_NOT_FOUND", 3],
  ]);
  const task = ["--run", "R", "--task", "Nope"];
  await _check(env.db, [
    ["dep add (task)", ["dep", "add", ...task, "--depends-on", "A"], "TASK_NOT_FOUND", 3],
    [
      "dep add (dependency)",
      ["dep", "add", "--run", "R", "--task", "A", "--depends-on", "Nope"],
      "TASK_NOT_FOUND",
      3,
    ],
    ["dispatch", ["dispatch", ...task, "--execution-mode", "analysis"], "TASK_NOT_FOUND", 3],
    ["answer", ["answer", ...task, "--body", "x"], "TASK_NOT_FOUND", 3],
    ["retry", ["retry", ...task], "TASK_NOT_FOUND", 3],
    ["reassign", ["reassign", ...task, "--to", "w"], "TASK_NOT_FOUND", 3],
    ["cancel", ["cancel", ...task], "TASK_NOT_FOUND", 3],
    ["cleanup", ["cleanup", ...task], "TASK_NOT_FOUND", 3],
  ]);
});

Deno.test("orch: bad JSON and bad values are refused with a clear code (exit 2)", async () => {
  await using env = await tempDb();
  await _fixture(env.db);
  const dispatchA = ["dispatch", "--run", "R", "--task", "A"];
  const answerD = ["answer", "--run", "R", "--task", "D", "--body", "x"];
  const addZ = ["task", "add", "--run", "R", "--task", "Z", "--title", "t"];
  const badDispatch = join(env.dir, "bad-dispatch.json");
  await Deno.writeTextFile(badDispatch, "{not json");
  const wrongShape = join(env.dir, "wrong-shape.json");
  await Deno.writeTextFile(wrongShape, '{"ok":true,"attempt":{"id":"one"}}');
  await _check(env.db, [
    ["--acceptance-json not JSON", [...addZ, "--acceptance-json", "{kind:"], "INVALID_JSON", 2],
    ["--acceptance-json an array", [...addZ, "--acceptance-json", "[1,2]"], "INVALID_INPUT", 2],
    ["--acceptance-json null", [...addZ, "--acceptance-json", "null"], "INVALID_INPUT", 2],
    ["--payload-json not JSON", [...answerD, "--payload-json", "{'a':1}"], "INVALID_JSON", 2],
    ["--payload-json a string", [...answerD, "--payload-json", '"yes"'], "INVALID_INPUT", 2],
    ["--execution-mode bogus", [...dispatchA, "--execution-mode", "bogus"], "USAGE", 2],
    ["--execution-mode empty", [...dispatchA, "--execution-mode", ""], "USAGE", 2],
    [
      "--body with --body-file",
      [...dispatchA, "--execution-mode", "analysis", "--body", "x", "--body-file", "y"],
      "USAGE",
      2,
    ],
    [
      "--body-file missing",
      [
        ...dispatchA,
        "--execution-mode",
        "analysis",
        "--body-file",
        join(env.dir, "no-such-file.md"),
      ],
      "INPUT_FILE_NOT_FOUND",
      2,
    ],
    [
      "--base-ref in analysis mode",
      [...dispatchA, "--execution-mode", "analysis", "--base-ref", "main"],
      "USAGE",
      2,
    ],
    [
      "--to not an agent name",
      [...dispatchA, "--execution-mode", "analysis", "--to", "a b"],
      "USAGE",
      2,
    ],
    [
      "--task with a slash",
      ["task", "add", "--run", "R", "--task", "x/y", "--title", "t"],
      "USAGE",
      2,
    ],
    ["--run ..", ["run", "init", "--run", "..", "--goal", "g"], "USAGE", 2],
    ["--goal empty", ["run", "init", "--run", "X", "--goal", " "], "USAGE", 2],
    ["--after-event negative", ["wait", "--run", "R", "--after-event", "-1"], "USAGE", 2],
    ["--after-event not a number", ["wait", "--run", "R", "--after-event", "ten"], "USAGE", 2],
    ["--after-event fractional", ["wait", "--run", "R", "--after-event", "1.5"], "USAGE", 2],
    ["--timeout-seconds negative", ["wait", "--run", "R", "--timeout-seconds", "-1"], "USAGE", 2],
    ["--timeout-seconds huge", ["wait", "--run", "R", "--timeout-seconds", "1e9"], "USAGE", 2],
    [
      "--for bogus",
      ["wait", "--run", "R", "--for", "bogus", "--timeout-seconds", "0"],
      "USAGE",
      2,
    ],
    [
      "--for empty list",
      ["wait", "--run", "R", "--for", ",", "--timeout-seconds", "0"],
      "USAGE",
      2,
    ],
    [
      "--reviewers with a bad name",
      ["council", "start", "--run", "K", "--topic", "t", "--body", "b", "--reviewers", "ok,../bad"],
      "USAGE",
      2,
    ],
    [
      "--reviewers with one reviewer",
      ["council", "start", "--run", "K", "--topic", "t", "--body", "b", "--reviewers", "solo"],
      "USAGE",
      2,
    ],
    [
      "--dispatch-json missing",
      ["brief", "--dispatch-json", join(env.dir, "nope.json")],
      "INPUT_FILE_NOT_FOUND",
      2,
    ],
    ["--dispatch-json not JSON", ["brief", "--dispatch-json", badDispatch], "INVALID_JSON", 2],
    ["--dispatch-json wrong shape", ["brief", "--dispatch-json", wrongShape], "INVALID_INPUT", 2],
  ]);
  // The flag named in the message is the one the user passed.
  const r = await orch(env.db, "brief", "--dispatch-json", join(env.dir, "nope.json"));
  assert.match(r.json.error!.message, /--dispatch-json/);
  // A reviewer named twice is said so (not "fewer than two distinct"), and nothing is started.
  const twice = await orch(
    env.db,
    "council",
    "start",
    "--run",
    "K",
    "--topic",
    "t",
    "--body",
    "b",
    "--reviewers",
    "rev-a,rev-a,rev-b",
  );
  assert.equal(twice.json.error?.code, "USAGE");
  assert.match(twice.json.error!.message, /rev-a is repeated/);
  assert.equal((await orch(env.db, "run", "show", "--run", "K")).json.error?.code, "RUN_NOT_FOUND");
});

Deno.test("orch: commands refused in the current state are conflicts (exit 4) and write nothing", async () => {
  await using env = await tempDb();
  await _fixture(env.db);
  await _check(env.db, [
    [
      "run init of an existing run",
      ["run", "init", "--run", "R", "--goal", "g"],
      "ALREADY_EXISTS",
      4,
    ],
    [
      "task add of an existing task",
      ["task", "add", "--run", "R", "--task", "A", "--title", "t"],
      "ALREADY_EXISTS",
      4,
    ],
    [
      "dep add closing a cycle",
      ["dep", "add", "--run", "R", "--task", "A", "--depends-on", "B"],
      "DEPENDENCY_CYCLE",
      4,
    ],
    [
      "dep add to a started task",
      ["dep", "add", "--run", "R", "--task", "C", "--depends-on", "A"],
      "INVALID_STATE",
      4,
    ],
    [
      "dispatch of a waiting task",
      ["dispatch", "--run", "R", "--task", "B", "--execution-mode", "analysis"],
      "TASK_NOT_READY",
      4,
    ],
    [
      "dispatch of a running task",
      ["dispatch", "--run", "R", "--task", "C", "--execution-mode", "analysis"],
      "TASK_NOT_READY",
      4,
    ],
    [
      "answer to a task that is not blocked",
      ["answer", "--run", "R", "--task", "C", "--body", "x"],
      "NOT_BLOCKED",
      4,
    ],
    [
      "retry of a task never dispatched",
      ["retry", "--run", "R", "--task", "A"],
      "INVALID_STATE",
      4,
    ],
    ["retry of a running task", ["retry", "--run", "R", "--task", "C"], "INVALID_STATE", 4],
    [
      "reassign of a task never dispatched",
      ["reassign", "--run", "R", "--task", "A", "--to", "w"],
      "INVALID_STATE",
      4,
    ],
    ["council tally of a plain run", ["council", "tally", "--run", "R"], "INVALID_STATE", 4],
    [
      "council start on a run with tasks",
      ["council", "start", "--run", "R", "--topic", "t", "--body", "b"],
      "INVALID_STATE",
      4,
    ],
  ]);
});

Deno.test("orch: every command without --db is USAGE, and with a missing file DB_NOT_FOUND (nothing created)", async () => {
  await using env = await tempDb();
  const commands: string[][] = [
    ["run", "init", "--run", "X", "--goal", "g"],
    ["run", "show", "--run", "R"],
    ["task", "add", "--run", "R", "--task", "Z", "--title", "t"],
    ["dep", "add", "--run", "R", "--task", "B", "--depends-on", "A"],
    ["ready", "--run", "R"],
    ["dispatch", "--run", "R", "--task", "A", "--execution-mode", "analysis"],
    ["reconcile", "--run", "R"],
    ["wait", "--run", "R", "--timeout-seconds", "0"],
    ["blocked", "--run", "R"],
    ["answer", "--run", "R", "--task", "D", "--body", "x"],
    ["retry", "--run", "R", "--task", "A"],
    ["reassign", "--run", "R", "--task", "C", "--to", "w"],
    ["cancel", "--run", "R"],
    ["cleanup", "--run", "R", "--all-completed"],
    ["status", "--run", "R"],
    ["council", "start", "--run", "K", "--topic", "t", "--body", "b"],
    ["council", "wait", "--run", "K", "--timeout-seconds", "0"],
    ["council", "tally", "--run", "K"],
    ["council", "report", "--run", "K"],
  ];
  const missing = join(env.dir, "sub", "missing.db");
  for (const args of commands) {
    assertError(await cli("orch", ["--json", ...args]), "USAGE", 2);
    const r = await orch(missing, ...args);
    assertError(r, "DB_NOT_FOUND", 3);
    assert.match(r.json.error!.message, /inbox --db .* init/);
  }
  assert.equal(await exists(missing), false);
  assert.equal(await exists(join(env.dir, "sub")), false);
  // brief needs --db for the worker's commands.
  const dispatchJson = join(env.dir, "d.json");
  await Deno.writeTextFile(dispatchJson, "{}");
  assertError(await cli("orch", ["--json", "brief", "--dispatch-json", dispatchJson]), "USAGE", 2);
  assertError(await cli("orch", ["--json", "status", "--run", "R", "--db"]), "USAGE", 2);
});

Deno.test("orch: a file that is not an initialised database is refused (exit 6) and left as it was", async () => {
  await using env = await tempDb();
  const empty = join(env.dir, "empty.db");
  await Deno.writeTextFile(empty, "");
  assertError(await orch(empty, "status", "--run", "R"), "DB_NOT_INITIALIZED", 6);
  assert.equal((await Deno.stat(empty)).size, 0);
  const text = join(env.dir, "notes.db");
  await Deno.writeTextFile(text, "hello, not sqlite\n");
  const notDb = await orch(text, "status", "--run", "R");
  assertError(notDb, "STORAGE_ERROR", 6);
  assert.equal(field(notDb.json, "error.details.reason"), "not_a_database", notDb.stdout);
  assert.equal(await Deno.readTextFile(text), "hello, not sqlite\n");
});

Deno.test("orch: without --json an error is one line on stderr with the code, no stack trace", async () => {
  await using env = await tempDb();
  await _fixture(env.db);
  const before = await dumpDb(env.db);
  const cases: Array<[string[], string, number]> = [
    [["status", "--run", "Nope"], "RUN_NOT_FOUND", 3],
    [
      ["task", "add", "--run", "R", "--task", "Z", "--title", "t", "--acceptance-json", "{"],
      "INVALID_JSON",
      2,
    ],
    [["dispatch", "--run", "R", "--task", "A", "--execution-mode", "bogus"], "USAGE", 2],
    [["answer", "--run", "R", "--task", "C", "--body", "x"], "NOT_BLOCKED", 4],
  ];
  for (const [args, code, exit] of cases) {
    const r = await cli("orch", ["--db", env.db, ...args]);
    assert.equal(r.code, exit, r.stderr);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, new RegExp(`^orch: error\\[${code}\\]: \\S.*\\n$`));
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
  assert.deepEqual(await dumpDb(env.db), before);
});
