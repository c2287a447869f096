import assert from "node:assert/strict";
import { tallyRecommendations } from "./tally.ts";
import type { Recommendation, TallyReviewer } from "./types.ts";

function rec(title: string, key?: string): Recommendation {
  return {
    title,
    summary: `Summary of ${title}`,
    rationale: `Why ${title}`,
    ...(key ? { key } : {}),
  };
}

function done(reviewer: string, recommendations: Recommendation[]): TallyReviewer {
  return { reviewer, status: "done", recommendations };
}

/** The case: one idea, two keyed and one unkeyed, similarity 0.4. */
const SHARED: TallyReviewer[] = [
  done("r1", [rec("Validate inputs early and strictly", "validate-inputs")]),
  done("r2", [rec("Validate inputs early and strictly", "validate-inputs")]),
  done("r3", [rec("Validate numeric inputs")]),
];

Deno.test("tallyRecommendations() splits the shared idea at 0.5 and marks the generated key", () => {
  const t = tallyRecommendations({ reviewers: SHARED });
  assert.deepEqual(t.consensus, []);
  assert.deepEqual(t.majority.map((g) => [g.key, g.key_source]), [["validate-inputs", "reviewer"]]);
  assert.deepEqual(t.minority.map((g) => [g.key, g.key_source]), [[
    "validate-numeric-input",
    "generated",
  ]]);
});

Deno.test("tallyRecommendations() groups at a lower --threshold", () => {
  const t = tallyRecommendations({ reviewers: SHARED, threshold: 0.4 });
  assert.equal(t.threshold.similarity, 0.4);
  assert.deepEqual(t.consensus.map((g) => g.reviewers), [["r1", "r2", "r3"]]);
});

Deno.test("tallyRecommendations() applies a leader's merge: one consensus group, noted", () => {
  const t = tallyRecommendations({
    reviewers: SHARED,
    adjustments: [{ op: "merge", keys: ["validate-inputs", "validate-numeric-input"] }],
  });
  assert.deepEqual(t.adjustments, [{
    op: "merge",
    keys: ["validate-inputs", "validate-numeric-input"],
    applied: true,
  }]);
  assert.equal(t.consensus.length, 1);
  const g = t.consensus[0]!;
  assert.equal(g.id, "g1");
  assert.equal(g.key, "validate-inputs");
  assert.equal(g.support, 3);
  assert.match(g.leader_note!, /merged by the leader/);
  assert.deepEqual([...t.majority, ...t.minority], []);
});

Deno.test("tallyRecommendations() applies a split, one group per reviewer, and reports misses", () => {
  const t = tallyRecommendations({
    reviewers: SHARED,
    adjustments: [{ op: "split", key: "validate-inputs" }, { op: "merge", keys: ["nope", "x"] }],
  });
  assert.deepEqual(t.adjustments.map((a) => a.applied), [true, false]);
  assert.deepEqual(t.majority, []);
  const keys = t.minority.map((g) => `${g.key}:${g.key_source}`).sort();
  assert.deepEqual(keys, [
    "validate-inputs.r1:split",
    "validate-inputs.r2:split",
    "validate-numeric-input:generated",
  ]);
  assert.deepEqual(t.minority.map((g) => g.id), ["g1", "g2", "g3"]);
});
