/**
 * The three-reviewer council through the real CLIs: start, scripted
 * reviewers (inbox claim + done), the result contract, wait, tally, report.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { inbox, ok, orch, tempDb, until } from "./_cli.ts";
import { hasFileOpen, spawnCli } from "./_spawn.ts";
import { assertError, type Json } from "./_orch.ts";
import { dumpDb } from "./_db.ts";

interface Rec {
  title: string;
  summary: string;
  rationale: string;
  key?: string;
  severity?: string;
}

function _rec(title: string, extra: Partial<Rec> = {}): Rec {
  return { title, summary: `Do: ${title}.`, rationale: `Because ${title} matters.`, ...extra };
}

/** Overlapping recommendations: one shared by all, one by two, two by one each. */
const RESULTS: Record<string, { summary: string; recommendations: Rec[] }> = {
  "reviewer-1": {
    summary: "Mostly fine.",
    recommendations: [
      _rec("Retry flaky network tests", { severity: "high" }),
      _rec("Add indexes to the posts table", { key: "db-indexes" }),
      _rec("Document the public API"),
    ],
  },
  "reviewer-2": {
    summary: "Two issues.",
    recommendations: [
      _rec("Add retry on flaky network tests", { severity: "medium" }),
      _rec("Index the posts table by date", { key: "db-indexes" }),
    ],
  },
  "reviewer-3": {
    summary: "One big one.",
    recommendations: [
      _rec("Retry flaky network tests"),
      _rec("Rewrite the scheduler in Rust", { severity: "low" }),
    ],
  },
};

interface Reviewer {
  agent: string;
  ref: string[];
}

async function _start(db: string, run: string): Promise<Reviewer[]> {
  const r = await ok(
    orch(
      db,
      "council",
      "start",
      "--run",
      run,
      "--topic",
      "Blog MVP design",
      "--body",
      "Review the plan in docs/plan.md",
    ),
  );
  assert.equal((r["run"] as Json)["kind"], "council");
  const attempts = r["attempts"] as Json[];
  return attempts.map((a) => ({
    agent: String(a["assigned_to"]),
    ref: ["--agent", String(a["assigned_to"]), "--thread", String(a["thread_id"])],
  }));
}

async function _review(db: string, r: Reviewer): Promise<void> {
  await ok(inbox(db, "claim", ...r.ref));
  await ok(inbox(db, "done", ...r.ref, "--payload-json", JSON.stringify(RESULTS[r.agent])));
}

Deno.test("council start: dispatches one analysis attempt per reviewer, each with its own thread", async () => {
  await using env = await tempDb();
  const r = await ok(
    orch(env.db, "council", "start", "--run", "C1", "--topic", "T", "--body", "B"),
  );
  const attempts = r["attempts"] as Json[];
  assert.deepEqual(attempts.map((a) => a["assigned_to"]), [
    "reviewer-1",
    "reviewer-2",
    "reviewer-3",
  ]);
  const threads = attempts.map((a) => a["thread_id"]);
  assert.ok(threads.every((t) => typeof t === "number"));
  assert.equal(new Set(threads).size, 3);
  assert.ok(attempts.every((a) => a["execution_mode"] === "analysis"));
  const shown = await ok(inbox(env.db, "show", "--thread", String(threads[0])));
  assert.equal((shown["thread"] as Json)["result_contract"], "council-review/v1");
  const body = String((shown["messages"] as Json[])[0]!["body"]);
  assert.match(body, /^Council review: T\n\nB\n/);
  assert.match(body, /recommendations/);
  // A second start on the same run is refused.
  assertError(
    await orch(env.db, "council", "start", "--run", "C1", "--topic", "T", "--body", "B"),
    "INVALID_STATE",
    4,
  );
});

Deno.test("council: a review task cannot go to an agent that already reviews another; another agent is fine", async () => {
  await using env = await tempDb();
  const r = await ok(
    orch(env.db, "council", "start", "--run", "C1", "--topic", "T", "--body", "B"),
  );
  const second = (r["attempts"] as Json[])[1]!;
  const task2 = String(second["task_id"]);
  const ref = ["--agent", "reviewer-2", "--thread", String(second["thread_id"])];
  await ok(inbox(env.db, "claim", ...ref));
  await ok(inbox(env.db, "fail", ...ref, "--reason", "out of time"));
  await ok(orch(env.db, "reconcile", "--run", "C1")); // the failure folded in, before the refusals
  const before = await dumpDb(env.db);
  for (const op of ["retry", "reassign"]) {
    const refused = await orch(env.db, op, "--run", "C1", "--task", task2, "--to", "reviewer-1");
    assertError(refused, "INVALID_INPUT", 2);
    assert.match(refused.json.error!.message, /already reviews task/);
  }
  assert.deepEqual(await dumpDb(env.db), before, "nothing changed");
  const moved = await ok(
    orch(env.db, "retry", "--run", "C1", "--task", task2, "--to", "reviewer-4"),
  );
  assert.equal((moved["attempt"] as Json)["assigned_to"], "reviewer-4");
});

Deno.test("council: a result breaking the contract is INVALID_RESULT; the reviewer resends; tally and report", async () => {
  await using env = await tempDb();
  const db = env.db;
  const reviewers = await _start(db, "C1");
  const [r1, r2, r3] = reviewers as [Reviewer, Reviewer, Reviewer];
  await _review(db, r1);
  await _review(db, r2);

  // reviewer-3 first sends a result without rationale and with an unknown field.
  await ok(inbox(db, "claim", ...r3.ref));
  const bad = {
    recommendations: [{ title: "Retry flaky network tests", summary: "x", colour: "red" }],
  };
  const refused = await inbox(db, "done", ...r3.ref, "--payload-json", JSON.stringify(bad));
  assertError(refused, "INVALID_RESULT", 2);
  assert.match(refused.json.error!.message, /rationale/);
  const still = await ok(inbox(db, "show", "--thread", r3.ref[3]!));
  assert.equal((still["thread"] as Json)["status"], "claimed");
  assert.equal((still["thread"] as Json)["claimed_by"], "reviewer-3");

  // council wait is still waiting; it returns once reviewer-3 resends a good result.
  const timedOut = await ok(orch(db, "council", "wait", "--run", "C1", "--timeout-seconds", "0"));
  assert.equal(timedOut["timed_out"], true);
  assert.deepEqual((timedOut["reviewers"] as Json[]).map((x) => x["status"]), [
    "done",
    "done",
    "pending",
  ]);
  const waiter = spawnCli("orch", [
    "--db",
    db,
    "--json",
    "council",
    "wait",
    "--run",
    "C1",
    "--timeout-seconds",
    "60",
  ]);
  try {
    await until(() => hasFileOpen(waiter.child.pid, db), { what: "council wait to open the db" });
    assert.equal(waiter.exited(), false);
    await ok(inbox(db, "done", ...r3.ref, "--payload-json", JSON.stringify(RESULTS["reviewer-3"])));
    const out = await waiter.child.output();
    const d = new TextDecoder();
    assert.equal(out.code, 0, d.decode(out.stdout) + d.decode(out.stderr));
    const waited = JSON.parse(new TextDecoder().decode(out.stdout)) as Json;
    assert.equal(waited["timed_out"], false);
    assert.deepEqual((waited["reviewers"] as Json[]).map((x) => [x["reviewer"], x["status"]]), [
      ["reviewer-1", "done"],
      ["reviewer-2", "done"],
      ["reviewer-3", "done"],
    ]);
  } finally {
    waiter.killIfRunning("SIGTERM");
    await waiter.child.status;
  }

  // tally: consensus / majority / minority, byte-identical on a second call.
  const first = await orch(db, "council", "tally", "--run", "C1");
  const second = await orch(db, "council", "tally", "--run", "C1");
  assert.equal(first.code, 0);
  assert.equal(first.stdout, second.stdout);
  const tally = first.json["tally"] as Json;
  assert.equal(tally["reviewers_total"], 3);
  assert.equal(tally["reviewers_counted"], 3);
  const titles = (k: string) =>
    (tally[k] as Json[]).map((g) => [g["support"], (g["reviewers"] as string[]).join(",")]);
  assert.deepEqual(titles("consensus"), [[3, "reviewer-1,reviewer-2,reviewer-3"]]);
  assert.deepEqual(titles("majority"), [[2, "reviewer-1,reviewer-2"]]);
  assert.deepEqual(titles("minority").sort(), [[1, "reviewer-1"], [1, "reviewer-3"]]);
  assert.equal(((tally["majority"] as Json[])[0]!)["key"], "db-indexes");
  assert.equal(((tally["consensus"] as Json[])[0]!)["max_severity"], "high");
  assert.deepEqual(tally["not_counted"], []);

  // report --out: markdown with the sections, also stored as an artifact.
  const out = join(env.dir, "report.md");
  const rep = await ok(orch(db, "council", "report", "--run", "C1", "--out", out));
  const markdown = await Deno.readTextFile(out);
  for (
    const heading of [
      "# Council report: Blog MVP design",
      "## Summary",
      "## Consensus",
      "## Majority",
      "## Minority",
      "## Reviewers",
      "### reviewer-1 (done)",
      "## Dissent",
      "### Raised by a single reviewer",
      "### Reviewers not counted",
    ]
  ) assert.ok(markdown.includes(`\n${heading}\n`) || markdown.startsWith(`${heading}\n`), heading);
  assert.match(markdown, /Counted reviewers: 3 of 3/);
  assert.match(markdown, /Rewrite the scheduler in Rust/);
  const saved = rep["report"] as Json;
  assert.equal(saved["out"], out);
  const copy = join(env.dir, "copy.md");
  await ok(inbox(db, "artifact", "get", "--artifact", String(saved["artifact_id"]), "--out", copy));
  assert.deepEqual(await Deno.readFile(copy), await Deno.readFile(out));
  const got = await ok(inbox(db, "artifact", "get", "--artifact", String(saved["artifact_id"])));
  assert.equal((got["artifact"] as Json)["sha256"], saved["sha256"]);
  assert.equal((got["artifact"] as Json)["media_type"], "text/markdown");
  // The same tally renders the same report.
  const again = await ok(orch(db, "council", "report", "--run", "C1"));
  assert.equal((again["report"] as Json)["sha256"], saved["sha256"]);
});

Deno.test("council start: an empty active run becomes the council run; a cancelled one is INVALID_STATE and changes nothing", async () => {
  await using env = await tempDb();
  await ok(orch(env.db, "run", "init", "--run", "X", "--goal", "Goal of X"));
  await ok(orch(env.db, "cancel", "--run", "X"));
  const before = await dumpDb(env.db);
  assertError(
    await orch(env.db, "council", "start", "--run", "X", "--topic", "T", "--body", "B"),
    "INVALID_STATE",
    4,
  );
  assert.deepEqual(await dumpDb(env.db), before);
  await ok(orch(env.db, "run", "init", "--run", "K", "--goal", "Goal of K"));
  const r = await ok(
    orch(env.db, "council", "start", "--run", "K", "--topic", "T", "--body", "B"),
  );
  const run = r["run"] as Json;
  assert.equal(run["kind"], "council");
  assert.equal(run["goal"], "Goal of K");
  assert.deepEqual(run["meta"], {
    topic: "T",
    reviewers: ["reviewer-1", "reviewer-2", "reviewer-3"],
  });
  assert.equal((r["attempts"] as Json[]).length, 3);
});

Deno.test("council tally: a failed reviewer is not counted and its failure is reported", async () => {
  await using env = await tempDb();
  const db = env.db;
  const [r1, r2, r3] = (await _start(db, "C2")) as [Reviewer, Reviewer, Reviewer];
  await _review(db, r1);
  await ok(inbox(db, "claim", ...r2.ref));
  await ok(inbox(db, "fail", ...r2.ref, "--reason", "Could not read docs/plan.md"));
  await _review(db, r3);
  const waited = await ok(orch(db, "council", "wait", "--run", "C2", "--timeout-seconds", "30"));
  assert.equal(waited["timed_out"], false);
  assert.deepEqual((waited["reviewers"] as Json[]).map((x) => x["status"]), [
    "done",
    "failed",
    "done",
  ]);
  const t = await ok(orch(db, "council", "tally", "--run", "C2"));
  const tally = t["tally"] as Json;
  assert.equal(tally["reviewers_total"], 3);
  assert.equal(tally["reviewers_counted"], 2);
  assert.deepEqual(tally["counted_reviewers"], ["reviewer-1", "reviewer-3"]);
  assert.deepEqual(tally["not_counted"], [
    { reviewer: "reviewer-2", status: "failed", error: "Could not read docs/plan.md" },
  ]);
  // Over two reviewers, the retry recommendation is consensus; nothing is "majority but not all".
  assert.deepEqual(
    (tally["consensus"] as Json[]).map((g) => g["reviewers"]),
    [["reviewer-1", "reviewer-3"]],
  );
  assert.deepEqual(tally["majority"], []);
  const rep = await ok(orch(db, "council", "report", "--run", "C2"));
  const got = await ok(
    inbox(db, "artifact", "get", "--artifact", String((rep["report"] as Json)["artifact_id"])),
  );
  const md = new TextDecoder().decode(
    Uint8Array.from(atob(String(got["content_base64"])), (c) => c.charCodeAt(0)),
  );
  assert.match(md, /Counted reviewers: 2 of 3/);
  assert.match(md, /- reviewer-2 \(failed\): Could not read docs\/plan\.md/);
});
