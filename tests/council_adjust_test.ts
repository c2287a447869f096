/**
 * The leader's control over a council tally (issue 11 item 11): a threshold,
 * recorded merges and splits shown in the report, generated keys marked, and
 * a repeated report that does not pile up artifacts.
 */
import assert from "node:assert/strict";
import { cli, inbox, ok, orch, tempDb } from "./_cli.ts";

type Json = Record<string, unknown>;

const rec = (title: string, key?: string) => ({
  title,
  summary: `Do: ${title}`,
  rationale: `Because: ${title}`,
  ...(key ? { key } : {}),
});
const RESULTS: Record<string, unknown> = {
  "reviewer-1": { recommendations: [rec("Validate inputs early and strictly", "validate-inputs")] },
  "reviewer-2": { recommendations: [rec("Validate inputs early and strictly", "validate-inputs")] },
  "reviewer-3": { recommendations: [rec("Validate numeric inputs")] },
};

async function _council(db: string): Promise<void> {
  const started = await ok(
    orch(db, "council", "start", "--run", "c1", "--topic", "Inputs", "--body", "Review inputs"),
  );
  for (const a of started["attempts"] as Json[]) {
    const ref = ["--agent", String(a["assigned_to"]), "--thread", String(a["thread_id"])];
    await ok(inbox(db, "claim", ...ref));
    await ok(
      inbox(
        db,
        "done",
        ...ref,
        "--payload-json",
        JSON.stringify(RESULTS[String(a["assigned_to"])]),
      ),
    );
  }
}

const buckets = (t: Json) =>
  ["consensus", "majority", "minority"].map((b) =>
    (t[b] as Json[]).map((g) => `${g["key"]}:${g["key_source"]}`)
  );

Deno.test("council tally --threshold, merge recorded and applied, shown in the report", async () => {
  await using env = await tempDb();
  await _council(env.db);
  const before = (await ok(orch(env.db, "council", "tally", "--run", "c1")))["tally"] as Json;
  assert.deepEqual(buckets(before), [
    [],
    ["validate-inputs:reviewer"],
    ["validate-numeric-input:generated"],
  ]);
  const lower = (await ok(orch(env.db, "council", "tally", "--run", "c1", "--threshold", "0.4")))[
    "tally"
  ] as Json;
  assert.deepEqual(buckets(lower), [["validate-inputs:reviewer"], [], []]);

  const wrong = await orch(
    env.db,
    "council",
    "merge",
    "--run",
    "c1",
    "--keys",
    "validate-inputs,nope",
  );
  assert.equal(wrong.json.error?.code, "INVALID_INPUT");
  assert.match(String(wrong.json.error?.message), /"nope"/);

  const merged = await ok(
    orch(
      env.db,
      "council",
      "merge",
      "--run",
      "c1",
      "--keys",
      "validate-inputs,validate-numeric-input",
    ),
  );
  assert.deepEqual(merged["adjustments"], [{
    op: "merge",
    keys: ["validate-inputs", "validate-numeric-input"],
  }]);
  const after = (await ok(orch(env.db, "council", "tally", "--run", "c1")))["tally"] as Json;
  assert.deepEqual(buckets(after), [["validate-inputs:reviewer"], [], []]);

  const md = (await cli("orch", ["--db", env.db, "council", "report", "--run", "c1"])).stdout;
  assert.match(md, /## Leader adjustments/);
  assert.match(md, /Merged the groups `validate-inputs`, `validate-numeric-input` into one/);
  assert.match(md, /Consensus[\s\S]*Merged by the leader/);

  const cleared = await ok(orch(env.db, "council", "adjustments", "--run", "c1", "--clear"));
  assert.deepEqual(cleared["adjustments"], []);
  const again = (await ok(orch(env.db, "council", "tally", "--run", "c1")))["tally"] as Json;
  assert.deepEqual(buckets(again), buckets(before));
});

Deno.test("council split records a split; dissent names who stood alone without repeating the minority", async () => {
  await using env = await tempDb();
  await _council(env.db);
  await ok(orch(env.db, "council", "split", "--run", "c1", "--key", "validate-inputs"));
  const t = (await ok(orch(env.db, "council", "tally", "--run", "c1")))["tally"] as Json;
  assert.deepEqual(buckets(t), [[], [], [
    "validate-inputs.reviewer-1:split",
    "validate-inputs.reviewer-2:split",
    "validate-numeric-input:generated",
  ]]);
  const md = (await cli("orch", ["--db", env.db, "council", "report", "--run", "c1"])).stdout;
  // Each key says where it came from; a split's is not "from the title".
  assert.match(md, /key: `validate-inputs\.reviewer-1` \(made by the split\)/);
  assert.match(md, /key: `validate-numeric-input` \(generated from the title\)/);
  const dissent = md.slice(md.indexOf("## Dissent"));
  assert.match(dissent, /reviewer-3 alone raised g\d/);
  assert.doesNotMatch(dissent, /Validate numeric inputs/);
});

Deno.test("council report twice with the same results stores one artifact", async () => {
  await using env = await tempDb();
  await _council(env.db);
  const first = (await ok(orch(env.db, "council", "report", "--run", "c1")))["report"] as Json;
  const second = (await ok(orch(env.db, "council", "report", "--run", "c1")))["report"] as Json;
  assert.equal(first["reused"], false);
  assert.equal(second["reused"], true);
  assert.equal(second["artifact_id"], first["artifact_id"]);
  await ok(
    orch(
      env.db,
      "council",
      "merge",
      "--run",
      "c1",
      "--keys",
      "validate-inputs,validate-numeric-input",
    ),
  );
  const third = (await ok(orch(env.db, "council", "report", "--run", "c1")))["report"] as Json;
  assert.equal(third["reused"], false); // a different report is a new version
  assert.notEqual(third["artifact_id"], first["artifact_id"]);
});

Deno.test("council start --help describes --repo-path as the repository the reviewers read", async () => {
  const help = (await cli("orch", ["council", "start", "--help"])).stdout;
  const line = help.split("\n").find((l) => l.includes("[--repo-path]"));
  assert.ok(line, help);
  assert.doesNotMatch(line, /code mode/);
  assert.match(line, /reviewers read/);
});
