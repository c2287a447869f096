/**
 * The council tally and report through the real CLIs do not depend on the
 * order in which reviewers finished, nor (for the tally) on the order of the
 * items inside a result (issue 12 item 1; the seeded property test of the
 * pure functions is src/council/tally_order_test.ts).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { inbox, ok, orch, tempDb } from "./_cli.ts";
import { type Json } from "./_orch.ts";

function _rec(title: string, extra: Record<string, unknown> = {}): Json {
  return { title, summary: `Do: ${title}.`, rationale: `Because ${title} matters.`, ...extra };
}

/** Overlapping results, with near-duplicates from the same reviewer. */
const RESULTS: Record<string, Json[]> = {
  "reviewer-1": [
    _rec("Retry flaky network tests", { severity: "high" }),
    _rec("Retry flaky network tests", { severity: "low", priority: 2 }),
    _rec("Add indexes to the posts table", { key: "db-indexes" }),
    _rec("Document the public API"),
  ],
  "reviewer-2": [
    _rec("Add retry on flaky network tests", { severity: "medium" }),
    _rec("Index the posts table by date", { key: "DB_Indexes" }),
    _rec("Index the posts table by date.", { key: "db-indexes" }),
  ],
  "reviewer-3": [
    _rec("Retry flaky network tests"),
    _rec("Document the public API", { priority: 1 }),
    _rec("Rewrite the scheduler in Rust", { severity: "low" }),
  ],
};

/** Starts council `run` and lets its reviewers finish in `order`, items reversed if asked. */
async function _council(db: string, run: string, order: string[], reverse: boolean) {
  const started = await ok(
    orch(db, "council", "start", "--run", run, "--topic", "Blog MVP", "--body", "Review it"),
  );
  const refs = new Map(
    (started["attempts"] as Json[]).map((a) => [
      String(a["assigned_to"]),
      ["--agent", String(a["assigned_to"]), "--thread", String(a["thread_id"])],
    ]),
  );
  for (const reviewer of order) {
    const ref = refs.get(reviewer)!;
    const items = reverse ? [...RESULTS[reviewer]!].reverse() : RESULTS[reviewer]!;
    const payload = { summary: `${reviewer} reviewed`, recommendations: items };
    await ok(inbox(db, "claim", ...ref));
    await ok(inbox(db, "done", ...ref, "--payload-json", JSON.stringify(payload)));
  }
}

async function _tallyAndReport(db: string, dir: string, run: string) {
  const tally = await ok(orch(db, "council", "tally", "--run", run));
  const out = join(dir, `${run}.md`);
  await ok(orch(db, "council", "report", "--run", run, "--out", out));
  const report = (await Deno.readTextFile(out)).replace(`Run: \`${run}\``, "Run: `RUN`");
  return { tally: JSON.stringify(tally["tally"]), report };
}

Deno.test("council tally and report: the same results in another finishing order give the same bytes", async () => {
  await using env = await tempDb();
  const db = env.db;
  await _council(db, "C1", ["reviewer-1", "reviewer-2", "reviewer-3"], false);
  await _council(db, "C2", ["reviewer-3", "reviewer-1", "reviewer-2"], false);
  await _council(db, "C3", ["reviewer-2", "reviewer-3", "reviewer-1"], true);
  const c1 = await _tallyAndReport(db, env.dir, "C1");
  const c2 = await _tallyAndReport(db, env.dir, "C2");
  const c3 = await _tallyAndReport(db, env.dir, "C3");
  assert.match(c1.tally, /"consensus":\[\{/);
  assert.equal(c2.tally, c1.tally, "another finishing order changed the tally");
  assert.equal(c2.report, c1.report, "another finishing order changed the report");
  assert.equal(c3.tally, c1.tally, "items in another order changed the tally");
});
