/**
 * The published JSON contracts cannot drift from the binaries:
 * docs/schemas/ is what scripts/gen_schemas.ts generates, the schemas agree
 * with the store's types and constants, and real CLI output (spawned with
 * the compile-time permissions) parses under the output schemas.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { z } from "zod";
import { makeTempRepo } from "../src/git/_testing.ts";
import { git } from "./_git.ts";
import type { Tally } from "../src/council/types.ts";
import { ERROR_CODES, type ErrorCode } from "../src/protocol/errors.ts";
import * as S from "../src/protocol/output_schemas.ts";
import {
  type ArtifactMeta,
  type Message,
  MESSAGE_TYPES,
  type Thread,
  THREAD_KINDS,
  THREAD_STATUSES,
} from "../src/store/inbox_types.ts";
import {
  type Attempt,
  EXECUTION_MODES,
  ORCH_EVENT_TYPES,
  type Run,
  RUN_STATUSES,
  type Task,
  TASK_STATUSES,
  type TaskCounts,
} from "../src/store/orch_types.ts";
import type { EventRecord } from "../src/store/append_event.ts";
import type { SearchHit } from "../src/store/inbox/search.ts";
import { renderSchemas, SCHEMA_DIR, staleSchemaFiles } from "../scripts/gen_schemas.ts";
import { cli, type CliResult, inbox, ok, orch, tempDb } from "./_cli.ts";

type Json = Record<string, unknown>;

const ROOT = new URL("..", import.meta.url).pathname;

// ---- compile-time: every schema's output type fits the store's type ----------

/** Optional fields as zod infers them (`T | undefined`) made exact. */
type _Exact<T> = T extends readonly (infer U)[] ? _Exact<U>[]
  : T extends object ? { [K in keyof T]: _Exact<Exclude<T[K], undefined>> }
  : T;
type _Fits<A, B> = [_Exact<A>] extends [B] ? true : false;
type _Assert<T extends true> = T;

// A schema that lacks a field of the store type, or types it differently, fails `deno check`.
type _Checks = [
  _Assert<_Fits<z.output<typeof S.ThreadSchema>, Thread>>,
  _Assert<_Fits<z.output<typeof S.MessageSchema>, Message>>,
  _Assert<_Fits<z.output<typeof S.FetchedMessageSchema>, Message>>,
  _Assert<_Fits<z.output<typeof S.ArtifactMetaSchema>, ArtifactMeta>>,
  _Assert<_Fits<z.output<typeof S.EventSchema>, EventRecord>>,
  _Assert<_Fits<z.output<typeof S.OrchEventSchema>, EventRecord>>,
  _Assert<_Fits<z.output<typeof S.RunSchema>, Run>>,
  _Assert<_Fits<z.output<typeof S.TaskSchema>, Task>>,
  _Assert<_Fits<z.output<typeof S.AttemptSchema>, Attempt>>,
  _Assert<_Fits<z.output<typeof S.TaskCountsSchema>, TaskCounts>>,
  _Assert<_Fits<z.output<typeof S.TallySchema>, Tally>>,
  _Assert<_Fits<z.output<typeof S.SearchHitSchema>, SearchHit>>,
];

// ---- generated files ---------------------------------------------------------

Deno.test("renderSchemas() matches docs/schemas/ exactly (run scripts/gen_schemas.ts to update)", () => {
  assert.deepEqual(staleSchemaFiles(), []);
  const files = renderSchemas();
  for (const name of Object.keys(S.OUTPUT_SCHEMAS)) assert.ok(files.has(`${name}.schema.json`));
  for (const text of files.values()) {
    assert.ok(text.endsWith("}\n"));
    const schema = JSON.parse(text);
    assert.equal(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
  }
});

Deno.test("gen_schemas.ts --check exits 0 when current and 1 listing each stale file", async () => {
  const script = join(ROOT, "scripts/gen_schemas.ts");
  const run = (...args: string[]) =>
    new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-prompt", "--quiet", "--allow-read", "--allow-write", script, ...args],
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).output();
  const current = await run("--check");
  assert.equal(current.code, 0, new TextDecoder().decode(current.stderr));

  const dir = await Deno.makeTempDir({ prefix: "schemas-test-" });
  try {
    assert.equal((await run("--dir", dir)).code, 0);
    assert.deepEqual(staleSchemaFiles(pathToFileURL(dir + "/")), []);
    await Deno.writeTextFile(join(dir, "run.schema.json"), "{}\n");
    await Deno.remove(join(dir, "task.schema.json"));
    await Deno.writeTextFile(join(dir, "gone.schema.json"), "{}\n");
    const stale = await run("--check", "--dir", dir);
    assert.equal(stale.code, 1);
    const err = new TextDecoder().decode(stale.stderr);
    assert.match(err, /run\.schema\.json: differs/);
    assert.match(err, /task\.schema\.json: missing/);
    assert.match(err, /gone\.schema\.json: no longer generated/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  assert.ok(Deno.statSync(new URL("envelope.schema.json", SCHEMA_DIR)).isFile);
});

Deno.test("output schema enums mirror the store's constants", () => {
  assert.deepEqual(S.ThreadKindSchema.options, [...THREAD_KINDS]);
  assert.deepEqual(S.ThreadStatusSchema.options, [...THREAD_STATUSES]);
  assert.deepEqual(S.MessageTypeSchema.options, [...MESSAGE_TYPES]);
  assert.deepEqual(S.RunStatusSchema.options, [...RUN_STATUSES]);
  assert.deepEqual(S.ExecutionModeSchema.options, [...EXECUTION_MODES]);
  assert.deepEqual(S.OrchEventTypeSchema.options, [...ORCH_EVENT_TYPES]);
  assert.deepEqual([...S.TaskStatusSchema.options].sort(), [...TASK_STATUSES, "ready"].sort());
  assert.deepEqual(
    S.AttemptStatusSchema.options,
    TASK_STATUSES.filter((s) => s !== "pending"),
  );
  assert.deepEqual(S.ErrorCodeSchema.options, Object.keys(ERROR_CODES));
});

// ---- real CLI output ---------------------------------------------------------

/** Names of OUTPUT_SCHEMAS that real output was parsed with. */
const covered = new Set<S.OutputSchemaName>();
/** Which of the two CLI tests ran to the end (a --filter may skip them). */
const completed = { inbox: false, orch: false };

/** Parses `value` with the named schema (strict: unknown fields fail) and records it. */
function check<N extends S.OutputSchemaName>(
  name: N,
  value: unknown,
): z.output<typeof S.OUTPUT_SCHEMAS[N]> {
  const r = S.OUTPUT_SCHEMAS[name].safeParse(value);
  if (!r.success) {
    throw new Error(
      `${name}: ${JSON.stringify(r.error.issues, null, 1)}\nvalue: ${JSON.stringify(value)}`,
    );
  }
  covered.add(name);
  return r.data as z.output<typeof S.OUTPUT_SCHEMAS[N]>;
}

/** `ok()` then `check()`. */
async function okAs<N extends S.OutputSchemaName>(
  name: N,
  p: Promise<CliResult>,
): Promise<z.output<typeof S.OUTPUT_SCHEMAS[N]>> {
  const json = await ok(p);
  check("envelope", json);
  return check(name, json);
}

/** A failed command: the envelope parses, and the exit status is the code's. */
async function fails(p: Promise<CliResult>, code: ErrorCode): Promise<void> {
  const r = await p;
  const env = check("error-envelope", r.json);
  check("envelope", r.json);
  assert.equal(env.error.code, code, r.stdout);
  assert.equal(r.code, ERROR_CODES[code]);
}

/** Parses every NDJSON line of `inbox watch`. */
function watchLines(r: CliResult): Json[] {
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const lines = r.stdout.trimEnd().split("\n").map((l) => JSON.parse(l) as Json);
  for (const l of lines) check("inbox-watch-line", l);
  assert.equal(lines.at(-1)?.["type"], "end");
  return lines;
}

const REVIEW = (title: string) =>
  JSON.stringify({
    summary: "Looks fine",
    recommendations: [
      {
        title: "Retry flaky tests",
        summary: "Wrap them in a retry",
        rationale: "They fail one run in ten",
        key: "retry-flaky",
        severity: "high",
        priority: 1,
      },
      { title, summary: "Do it", rationale: "Because" },
    ],
  });

Deno.test("inbox --json output of every command parses under its output schema", async () => {
  await using env = await tempDb();
  const db = env.db;
  const file = join(env.dir, "notes.md");
  await Deno.writeTextFile(file, "# notes\n");

  await okAs("inbox-init", inbox(db, "init"));
  await okAs("cli-surface", cli("inbox", ["--help", "--json"]));
  await okAs("cli-surface", cli("inbox", ["--json", "artifact"]));
  await okAs("cli-version", cli("inbox", ["--version", "--json"]));
  const sent = await okAs(
    "inbox-send",
    inbox(db, "send", "--from", "lead", "--to", "w1", "--subject", "Fix", "--body", "Please"),
  );
  const withArtifact = await okAs(
    "inbox-send",
    inbox(
      ...[db, "send", "--from", "lead", "--to", "w1", "--subject", "Docs", "--body", "See file"],
      ...["--payload-json", '{"priority": 2}', "--artifact", file, "--idempotency-key", "k1"],
    ),
  );
  check("artifact-meta", withArtifact.artifacts[0]);
  const replay = await okAs(
    "inbox-send",
    inbox(
      db,
      "send",
      "--from",
      "lead",
      "--to",
      "w1",
      "--subject",
      "Docs",
      "--body",
      "x",
      "--idempotency-key",
      "k1",
    ),
  );
  assert.equal(replay.replayed, true);
  assert.equal(replay.thread.id, withArtifact.thread.id);

  const fetched = await okAs("inbox-fetch", inbox(db, "fetch", "--agent", "w1", "--limit", "10"));
  assert.equal(fetched.messages.length, 2);
  check("fetched-message", fetched.messages[0]);
  await okAs("inbox-fetch", inbox(db, "fetch", "--agent", "w1", "--peek"));

  const t = String(sent.thread.id);
  const claimed = await okAs("inbox-claim", inbox(db, "claim", "--agent", "w1", "--thread", t));
  check("thread", claimed.thread);
  const again = await okAs("inbox-claim", inbox(db, "claim", "--agent", "w1", "--thread", t));
  assert.equal(again.reclaimed, true);
  await okAs(
    "inbox-renew",
    inbox(db, "renew", "--agent", "w1", "--thread", t, "--lease-seconds", "120"),
  );
  const progress = await okAs(
    "inbox-update",
    inbox(db, "update", "--agent", "w1", "--thread", t, "--progress", "40"),
  );
  assert.equal(progress.message, null);
  const asked = await okAs(
    "inbox-update",
    inbox(db, "update", "--agent", "w1", "--thread", t, "--status", "blocked", "--body", "Which?"),
  );
  check("message", asked.message);
  await okAs(
    "inbox-reply",
    inbox(db, "reply", "--agent", "lead", "--thread", t, "--body", "This", "--payload-json", "{}"),
  );
  const answered = await okAs(
    "inbox-wait-reply",
    inbox(db, "wait-reply", "--agent", "w1", "--thread", t, "--timeout-seconds", "5"),
  );
  assert.equal(answered.timed_out, false);
  const timedOut = await okAs(
    "inbox-wait-reply",
    inbox(
      db,
      "wait-reply",
      "--agent",
      "w1",
      "--thread",
      t,
      "--after-message",
      "999",
      "--timeout-seconds",
      "0.1",
    ),
  );
  assert.equal(timedOut.timed_out, true);
  const done = await okAs(
    "inbox-done",
    inbox(
      db,
      "done",
      "--agent",
      "w1",
      "--thread",
      t,
      "--body",
      "Fixed",
      "--payload-json",
      '{"ok": 1}',
      "--artifact",
      file,
    ),
  );
  assert.equal(done.artifacts.length, 1);

  const t2 = String(withArtifact.thread.id);
  await okAs("inbox-claim", inbox(db, "claim", "--agent", "w1"));
  await okAs(
    "inbox-fail",
    inbox(db, "fail", "--agent", "w1", "--thread", t2, "--reason", "No access"),
  );
  const third = await okAs(
    "inbox-send",
    inbox(
      db,
      "send",
      "--from",
      "lead",
      "--to",
      "w2",
      "--subject",
      "Later",
      "--body",
      "-",
      "--kind",
      "note",
    ),
  );
  await okAs(
    "inbox-cancel",
    inbox(db, "cancel", "--agent", "lead", "--thread", String(third.thread.id)),
  );

  const listed = await okAs("inbox-list", inbox(db, "list", "--limit", "10"));
  assert.equal(listed.threads.length, 3);
  await okAs("inbox-list", inbox(db, "list", "--agent", "w1", "--status", "done"));
  const shown = await okAs("inbox-show", inbox(db, "show", "--thread", t));
  assert.ok(shown.messages.some((m) => m.artifacts?.length === 1));

  const streamed = watchLines(
    await inbox(
      db,
      "watch",
      "--agent",
      "w1",
      "--after-message",
      "0",
      "--max",
      "3",
      "--timeout-seconds",
      "5",
    ),
  );
  assert.deepEqual(streamed.map((l) => l["type"]), ["message", "message", "message", "end"]);
  const idle = watchLines(
    await inbox(db, "watch", "--agent", "nobody", "--timeout-seconds", "0.1"),
  );
  assert.equal(idle[0]?.["timed_out"], true);

  const artifactId = String(done.artifacts[0]!.id);
  const got = await okAs(
    "inbox-artifact-get",
    inbox(db, "artifact", "get", "--artifact", artifactId),
  );
  assert.ok("content_base64" in got && atob(got.content_base64) === "# notes\n");
  const out = join(env.dir, "copy.md");
  await okAs(
    "inbox-artifact-get",
    inbox(db, "artifact", "get", "--artifact", artifactId, "--out", out),
  );
  assert.equal(await Deno.readTextFile(out), "# notes\n");

  const found = await okAs("inbox-search", inbox(db, "search", "Please", "--agent", "w1"));
  assert.ok(found.hits.length > 0);
  for (const h of found.hits) check("search-hit", h);
  await fails(inbox(db, "search", '"'), "INVALID_INPUT");

  await fails(inbox(db, "show", "--thread", "999"), "THREAD_NOT_FOUND");
  await fails(inbox(db, "claim", "--agent", "w1"), "NO_CLAIMABLE_THREAD");
  await fails(inbox(db, "done", "--agent", "w1", "--thread", t), "THREAD_CLOSED");
  await fails(inbox(db, "send", "--from", "a", "--payload-json", "{"), "USAGE");
  await fails(
    inbox(
      db,
      "send",
      "--from",
      "a",
      "--to",
      "b",
      "--subject",
      "s",
      "--body",
      "b",
      "--payload-json",
      "{",
    ),
    "INVALID_JSON",
  );
  await fails(inbox(join(env.dir, "missing.db"), "watch", "--agent", "w1"), "DB_NOT_FOUND");
  completed.inbox = true;
});

Deno.test("orch --json output of every command parses under its output schema", async () => {
  await using env = await tempDb();
  using repo = makeTempRepo();
  const db = env.db;

  await okAs("orch-init", orch(db, "init"));
  await okAs("cli-surface", cli("orch", ["--json"]));
  await okAs("cli-version", cli("orch", ["--json", "--version"]));
  await okAs(
    "orch-run-init",
    orch(db, "run", "init", "--run", "R1", "--goal", "Ship", "--summary", "All of it"),
  );
  const shown = await okAs("orch-run-show", orch(db, "run", "show", "--run", "R1"));
  check("run", shown.run);
  check("task-counts", shown.counts);
  const t1 = await okAs(
    "orch-task-add",
    orch(
      db,
      "task",
      "add",
      "--run",
      "R1",
      "--task",
      "T1",
      "--title",
      "Plan",
      "--summary",
      "Plan it",
      "--default-to",
      "w1",
      "--acceptance-json",
      '{"kind": "analysis"}',
    ),
  );
  check("task", t1.task);
  await okAs(
    "orch-task-add",
    orch(
      db,
      "task",
      "add",
      "--run",
      "R1",
      "--task",
      "T2",
      "--title",
      "Build",
      "--default-to",
      "w2",
    ),
  );
  await okAs(
    "orch-task-add",
    orch(db, "task", "add", "--run", "R1", "--task", "T3", "--title", "Docs"),
  );
  const addDep = () => orch(db, "dep", "add", "--run", "R1", "--task", "T2", "--depends-on", "T1");
  const dep = await okAs("orch-dep-add", addDep());
  assert.equal(dep.created, true);
  assert.equal((await okAs("orch-dep-add", addDep())).created, false);
  const ready = await okAs("orch-ready", orch(db, "ready", "--run", "R1"));
  assert.deepEqual(ready.tasks.map((t) => t.id), ["T1", "T3"]);
  await fails(
    orch(db, "dep", "add", "--run", "R1", "--task", "T1", "--depends-on", "T2"),
    "DEPENDENCY_CYCLE",
  );
  await fails(
    orch(db, "dispatch", "--run", "R1", "--task", "T2", "--execution-mode", "analysis"),
    "TASK_NOT_READY",
  );
  await fails(orch(db, "status", "--run", "nope"), "RUN_NOT_FOUND");

  // Analysis task: blocked question, answer, done.
  const dispatchT1 = () =>
    orch(
      ...[db, "dispatch", "--run", "R1", "--task", "T1"],
      ...["--execution-mode", "analysis", "--idempotency-key", "d1"],
    );
  const d1 = await ok(dispatchT1());
  const dispatched = check("orch-dispatch", d1);
  check("attempt", dispatched.attempt);
  assert.equal((await okAs("orch-dispatch", dispatchT1())).replayed, true);
  const saved = join(env.dir, "dispatch.json");
  await Deno.writeTextFile(saved, JSON.stringify(d1));
  const brief = await okAs("orch-brief", orch(db, "brief", "--dispatch-json", saved));
  assert.equal(brief.thread_id, dispatched.attempt.thread_id);

  const thread = String(dispatched.attempt.thread_id);
  await ok(inbox(db, "claim", "--agent", "w1", "--thread", thread));
  await ok(
    inbox(
      db,
      "update",
      "--agent",
      "w1",
      "--thread",
      thread,
      "--status",
      "blocked",
      "--body",
      "Scope?",
    ),
  );
  const rec = await okAs("orch-reconcile", orch(db, "reconcile", "--run", "R1"));
  assert.deepEqual(rec.changes.map((c) => c.to), ["in_progress", "blocked"]);
  for (const e of rec.events) {
    check("orch-event", e);
    check("event", e);
  }
  const blocked = await okAs("orch-blocked", orch(db, "blocked", "--run", "R1"));
  assert.equal(blocked.blocked[0]?.question?.body, "Scope?");
  const waited = await okAs(
    "orch-wait",
    orch(
      db,
      "wait",
      "--run",
      "R1",
      "--for",
      "task_blocked",
      "--after-event",
      "0",
      "--timeout-seconds",
      "5",
    ),
  );
  assert.equal(waited.timed_out, false);
  await okAs(
    "orch-answer",
    orch(
      db,
      "answer",
      "--run",
      "R1",
      "--task",
      "T1",
      "--body",
      "Small",
      "--payload-json",
      '{"scope": "small"}',
    ),
  );
  await ok(inbox(db, "done", "--agent", "w1", "--thread", thread, "--body", "Planned"));
  const status = await okAs("orch-status", orch(db, "status", "--run", "R1"));
  for (const t of status.tasks) check("task-view", t);
  assert.equal(status.counts.done, 1);
  const graph = await okAs("orch-graph", orch(db, "graph", "--run", "R1", "--format", "dot"));
  assert.match(graph.graph, /^digraph /);
  const idle = await okAs(
    "orch-wait",
    orch(
      db,
      "wait",
      "--run",
      "R1",
      "--for",
      "run_cancelled",
      "--after-event",
      String(waited.next_after_event),
      "--timeout-seconds",
      "0.1",
    ),
  );
  assert.equal(idle.timed_out, true);

  // Code task: worktree, failure, retry, reassign, cleanup (one dirty worktree refused).
  const d2 = await okAs(
    "orch-dispatch",
    orch(
      db,
      "dispatch",
      "--run",
      "R1",
      "--task",
      "T2",
      "--execution-mode",
      "code",
      "--repo-path",
      repo.repo,
    ),
  );
  assert.equal(d2.attempt.workspace_status, "active");
  const thread2 = String(d2.attempt.thread_id);
  await ok(inbox(db, "claim", "--agent", "w2", "--thread", thread2));
  await ok(inbox(db, "fail", "--agent", "w2", "--thread", thread2, "--reason", "Broken build"));
  const retried = await okAs(
    "orch-dispatch",
    orch(db, "retry", "--run", "R1", "--task", "T2", "--to", "w3"),
  );
  assert.equal(retried.attempt.n, 2);
  await Deno.writeTextFile(join(retried.attempt.worktree_path!, "wip.txt"), "uncommitted\n");
  const reassigned = await okAs(
    "orch-dispatch",
    orch(db, "reassign", "--run", "R1", "--task", "T2", "--to", "w4"),
  );
  assert.equal(reassigned.attempt.n, 3);
  const wt3 = reassigned.attempt.worktree_path!;
  await Deno.writeTextFile(join(wt3, "x.txt"), "x\n");
  await git(wt3, "add", "x.txt");
  await git(wt3, "-c", "user.name=w", "-c", "user.email=w@example.com", "commit", "-q", "-m", "x");
  const diffed = await okAs("orch-diff", orch(db, "diff", "--run", "R1", "--task", "T2"));
  const bare = join(repo.dir, "remote.git");
  await git(repo.dir, "init", "-q", "--bare", bare);
  const published = await okAs(
    "orch-publish",
    orch(db, "publish", "--run", "R1", "--task", "T2", "--remote", bare),
  );
  assert.equal(published.commit, diffed.to);
  const collected = await okAs(
    "orch-collect",
    orch(db, "collect", "--run", "R1", "--task", "T2", "--remote", bare),
  );
  assert.deepEqual([collected.moved, collected.to], [false, diffed.to]);
  const merged = await okAs(
    "orch-merge",
    orch(db, "merge", "--run", "R1", "--into", "main", "--repo-path", repo.repo, "--dry-run"),
  );
  assert.equal(merged.dry_run, true);
  assert.deepEqual(diffed.commits.map((c) => c.subject), ["x"]);
  assert.deepEqual(diffed.files.map((f) => [f.path, f.status, f.insertions]), [[
    "x.txt",
    "added",
    1,
  ]]);
  const cleaned = await okAs("orch-cleanup", orch(db, "cleanup", "--run", "R1", "--all-completed"));
  assert.deepEqual(cleaned.cleaned.map((a) => a.n), [1]);
  assert.deepEqual(cleaned.refused.map((r) => [r.attempt.n, r.code]), [[2, "WORKTREE_DIRTY"]]);

  await okAs(
    "orch-cancel",
    orch(db, "cancel", "--run", "R1", "--task", "T3", "--reason", "Not needed"),
  );
  const cancelled = await okAs("orch-cancel", orch(db, "cancel", "--run", "R1"));
  assert.equal(cancelled.run.status, "cancelled");
  await okAs("orch-cleanup", orch(db, "cleanup", "--run", "R1", "--all-completed", "--force"));

  // Council: start, wait (timeout, then finished), tally, report.
  const started = await okAs(
    "orch-council-start",
    orch(
      db,
      "council",
      "start",
      "--run",
      "C1",
      "--topic",
      "Queue design",
      "--body",
      "Review the queue",
    ),
  );
  assert.equal(started.attempts.length, 3);
  const pending = await okAs(
    "orch-council-wait",
    orch(db, "council", "wait", "--run", "C1", "--timeout-seconds", "0.1"),
  );
  assert.equal(pending.timed_out, true);
  for (const [i, a] of started.attempts.entries()) {
    const th = String(a.thread_id);
    await ok(inbox(db, "claim", "--agent", a.assigned_to, "--thread", th));
    if (i === 2) {
      await ok(inbox(db, "fail", "--agent", a.assigned_to, "--thread", th, "--reason", "No time"));
    } else {
      await ok(
        inbox(
          db,
          "done",
          "--agent",
          a.assigned_to,
          "--thread",
          th,
          "--payload-json",
          REVIEW(`Log slow queries ${i}`),
        ),
      );
    }
  }
  const finished = await okAs(
    "orch-council-wait",
    orch(db, "council", "wait", "--run", "C1", "--timeout-seconds", "5"),
  );
  assert.deepEqual(finished.reviewers.map((r) => r.status), ["done", "done", "failed"]);
  const tally = await okAs("orch-council-tally", orch(db, "council", "tally", "--run", "C1"));
  check("tally", tally.tally);
  assert.equal(tally.tally.reviewers_counted, 2);
  const firstKey = tally.tally.consensus[0]?.key ?? tally.tally.minority[0]!.key;
  await okAs(
    "orch-council-adjustments",
    orch(db, "council", "split", "--run", "C1", "--key", firstKey),
  );
  await okAs("orch-council-adjustments", orch(db, "council", "adjustments", "--run", "C1"));
  const out = join(env.dir, "report.md");
  const report = await okAs(
    "orch-council-report",
    orch(db, "council", "report", "--run", "C1", "--out", out),
  );
  assert.equal(report.report.out, out);
  const stored = await okAs(
    "inbox-artifact-get",
    inbox(db, "artifact", "get", "--artifact", String(report.report.artifact_id)),
  );
  assert.equal(stored.artifact.sha256, report.report.sha256);
  completed.orch = true;
});

Deno.test("every output schema was checked against real CLI output", () => {
  if (!completed.inbox || !completed.orch) return; // filtered run: nothing to judge
  const missing = Object.keys(S.OUTPUT_SCHEMAS).filter((n) =>
    !covered.has(n as S.OutputSchemaName)
  );
  assert.deepEqual(missing, []);
});

Deno.test("an unknown field in the output fails its schema", () => {
  const thread = {
    id: 1,
    kind: "task",
    from_agent: "a",
    to_agent: "b",
    subject: "s",
    status: "open",
    claimed_by: null,
    lease_expires_at: null,
    lease_epoch: 0,
    progress: null,
    result_contract: null,
    run_id: null,
    task_id: null,
    attempt_id: null,
    created_at: "2026-01-31T09:30:00.000Z",
    updated_at: "2026-01-31T09:30:00.000Z",
  };
  assert.ok(S.ThreadSchema.safeParse(thread).success);
  assert.ok(!S.ThreadSchema.safeParse({ ...thread, extra: 1 }).success);
  assert.ok(!S.ThreadSchema.safeParse({ ...thread, created_at: "2026-01-31 09:30" }).success);
});
