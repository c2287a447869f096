import assert from "node:assert/strict";
import { AppError } from "../protocol/errors.ts";
import { SIMILARITY_THRESHOLD, tallyRecommendations } from "./tally.ts";
import type { Group, Recommendation, Severity, TallyReviewer } from "./types.ts";

function rec(
  title: string,
  extra: { key?: string; severity?: Severity; priority?: number } = {},
): Recommendation {
  return { title, summary: `Summary of ${title}`, rationale: `Why ${title}`, ...extra };
}

function done(reviewer: string, recommendations: Recommendation[]): TallyReviewer {
  return { reviewer, status: "done", recommendations };
}

/** `[id, title, reviewers]` per group, for compact assertions. */
function brief(groups: Group[]): Array<[string, string, string[]]> {
  return groups.map((g) => [g.id, g.title, g.reviewers]);
}

const THREE: TallyReviewer[] = [
  done("alice", [
    rec("Add retry on flaky network tests", { severity: "high", priority: 1 }),
    rec("Document the exit codes", { severity: "low" }),
    rec("Cache the dependency downloads", { severity: "medium" }),
  ]),
  done("bob", [
    rec("Retry flaky network tests", { severity: "critical" }),
    rec("Document exit codes for scripts"),
    rec("Split the store module"),
  ]),
  done("carol", [
    rec("Retry flaky tests on network errors"),
    rec("Cache dependency downloads in CI"),
    rec("Add a benchmark for wait latency"),
  ]),
];

Deno.test("tallyRecommendations() sorts three reviewers' overlap into consensus, majority, minority", () => {
  const tally = tallyRecommendations({ reviewers: THREE });
  assert.equal(tally.reviewers_total, 3);
  assert.equal(tally.reviewers_counted, 3);
  assert.deepEqual(tally.counted_reviewers, ["alice", "bob", "carol"]);
  assert.deepEqual(tally.not_counted, []);
  assert.deepEqual(tally.threshold, { similarity: SIMILARITY_THRESHOLD, majority_min: 2 });
  assert.deepEqual(brief(tally.consensus), [
    ["g1", "Retry flaky network tests", ["alice", "bob", "carol"]],
  ]);
  // Same support: the higher max severity first.
  assert.deepEqual(brief(tally.majority), [
    ["g2", "Cache the dependency downloads", ["alice", "carol"]],
    ["g3", "Document the exit codes", ["alice", "bob"]],
  ]);
  // Same support, no severity: by title.
  assert.deepEqual(brief(tally.minority), [
    ["g4", "Add a benchmark for wait latency", ["carol"]],
    ["g5", "Split the store module", ["bob"]],
  ]);
});

Deno.test("tallyRecommendations() fills a group's fields from its members", () => {
  const [retry] = tallyRecommendations({ reviewers: THREE }).consensus;
  assert.deepEqual(retry, {
    id: "g1",
    key: "retry-flaky-network-test",
    key_source: "generated",
    title: "Retry flaky network tests",
    support: 3,
    reviewers: ["alice", "bob", "carol"],
    members: [
      {
        reviewer: "alice",
        title: "Add retry on flaky network tests",
        summary: "Summary of Add retry on flaky network tests",
        rationale: "Why Add retry on flaky network tests",
        severity: "high",
        priority: 1,
      },
      {
        reviewer: "bob",
        title: "Retry flaky network tests",
        summary: "Summary of Retry flaky network tests",
        rationale: "Why Retry flaky network tests",
        severity: "critical",
      },
      {
        reviewer: "carol",
        title: "Retry flaky tests on network errors",
        summary: "Summary of Retry flaky tests on network errors",
        rationale: "Why Retry flaky tests on network errors",
      },
    ],
    max_severity: "critical",
  });
});

Deno.test("tallyRecommendations() groups similar titles and keeps dissimilar ones apart", () => {
  const tally = tallyRecommendations({
    reviewers: [
      done("alice", [rec("Add retry on flaky network tests"), rec("Use WAL mode")]),
      done("bob", [rec("Retry flaky network tests"), rec("Document the exit codes")]),
    ],
  });
  assert.deepEqual(brief(tally.consensus), [
    ["g1", "Retry flaky network tests", ["alice", "bob"]],
  ]);
  assert.deepEqual(brief(tally.minority), [
    ["g2", "Document the exit codes", ["bob"]],
    ["g3", "Use WAL mode", ["alice"]],
  ]);
  assert.deepEqual(tally.majority, []);
});

Deno.test("tallyRecommendations() does not chain titles that are only similar through a third", () => {
  // "queries"~"requests" share 2 of 4 words (0.5), "requests"~"trace" 2 of 4,
  // but "queries"~"trace" only 1 of 5: complete linkage keeps the third out.
  const tally = tallyRecommendations({
    reviewers: [
      done("alice", [rec("Log slow queries")]),
      done("bob", [rec("Log slow requests")]),
      done("carol", [rec("Trace slow requests")]),
    ],
  });
  assert.deepEqual(brief(tally.majority), [["g1", "Log slow queries", ["alice", "bob"]]]);
  assert.deepEqual(brief(tally.minority), [["g2", "Trace slow requests", ["carol"]]]);
});

Deno.test("tallyRecommendations() groups explicit keys exactly, whatever the titles", () => {
  const tally = tallyRecommendations({
    reviewers: [
      done("alice", [
        rec("Speed up CI", { key: "ci-cache" }),
        rec("Retry flaky tests", { key: "a" }),
      ]),
      done("bob", [
        rec("Cache node modules", { key: "CI_Cache" }),
        rec("Retry flaky tests", { key: "b" }),
      ]),
    ],
  });
  assert.deepEqual(tally.consensus.map((g) => [g.key, g.reviewers]), [
    ["ci-cache", ["alice", "bob"]],
  ]);
  // Same title, different keys: never merged.
  assert.deepEqual(tally.minority.map((g) => [g.key, g.reviewers]), [
    ["a", ["alice"]],
    ["b", ["bob"]],
  ]);
  const [ci] = tally.consensus;
  assert.deepEqual(ci?.members.map((m) => m.key), ["ci-cache", "CI_Cache"]);
});

Deno.test("tallyRecommendations() lets an unkeyed recommendation join a keyed group only by title", () => {
  const tally = tallyRecommendations({
    reviewers: [
      done("alice", [rec("Retry flaky network tests", { key: "retry" })]),
      done("bob", [rec("Add retry for flaky network tests")]),
      done("carol", [rec("Speed up CI", { key: "ci" }), rec("Cache node modules")]),
      done("dave", [rec("Cache node modules", { key: "ci" })]),
    ],
  });
  // bob's unkeyed title is similar to alice's keyed one: the group keeps "retry".
  // carol's unkeyed "Cache node modules" matches dave's title but not "Speed up CI",
  // so it cannot join the "ci" group (it must be similar to every member).
  assert.equal(tally.threshold.majority_min, 3);
  assert.deepEqual(tally.minority.map((g) => [g.id, g.key, g.reviewers]), [
    ["g1", "retry", ["alice", "bob"]],
    ["g2", "ci", ["carol", "dave"]],
    ["g3", "cache-node-module", ["carol"]],
  ]);
});

Deno.test("tallyRecommendations() gives a derived key a suffix when an explicit key holds it", () => {
  const tally = tallyRecommendations({
    reviewers: [
      done("alice", [rec("Speed up CI", { key: "retry-flaky-test" }), rec("Retry flaky tests")]),
    ],
  });
  assert.deepEqual(tally.minority.map((g) => [g.key, g.title]), [
    ["retry-flaky-test-2", "Retry flaky tests"],
    ["retry-flaky-test", "Speed up CI"],
  ]);
});

Deno.test("tallyRecommendations() counts a reviewer once per group", () => {
  const tally = tallyRecommendations({
    reviewers: [
      done("alice", [rec("Retry flaky network tests"), rec("Retry the flaky network tests again")]),
      done("bob", [rec("Retry flaky network tests")]),
      done("carol", [rec("Use WAL mode")]),
    ],
  });
  const [retry] = tally.majority;
  assert.equal(retry?.support, 2);
  assert.deepEqual(retry?.reviewers, ["alice", "bob"]);
  assert.deepEqual(retry?.members.map((m) => m.reviewer), ["alice", "alice", "bob"]);
  assert.deepEqual(tally.consensus, []);
});

Deno.test("tallyRecommendations() counts over the reviewers that finished when one failed", () => {
  const tally = tallyRecommendations({
    reviewers: [
      done("alice", [rec("Retry flaky network tests"), rec("Use WAL mode")]),
      { reviewer: "carol", status: "failed", error: "Lease expired twice" },
      done("bob", [rec("Add retry on flaky network tests")]),
    ],
  });
  assert.equal(tally.reviewers_total, 3);
  assert.equal(tally.reviewers_counted, 2);
  assert.deepEqual(tally.counted_reviewers, ["alice", "bob"]);
  assert.deepEqual(tally.not_counted, [
    { reviewer: "carol", status: "failed", error: "Lease expired twice" },
  ]);
  assert.deepEqual(tally.threshold.majority_min, 2);
  assert.deepEqual(brief(tally.consensus), [
    ["g1", "Retry flaky network tests", ["alice", "bob"]],
  ]);
  assert.deepEqual(brief(tally.minority), [["g2", "Use WAL mode", ["alice"]]]);
});

Deno.test("tallyRecommendations() does not count pending, cancelled or result-less reviewers", () => {
  const tally = tallyRecommendations({
    reviewers: [
      { reviewer: "dave", status: "pending" },
      { reviewer: "erin", status: "cancelled", error: "Run cancelled" },
      { reviewer: "frank", status: "done" },
      { reviewer: "gina", status: "failed", recommendations: [rec("Ignored")] },
    ],
  });
  assert.deepEqual(tally.not_counted, [
    { reviewer: "dave", status: "pending" },
    { reviewer: "erin", status: "cancelled", error: "Run cancelled" },
    { reviewer: "frank", status: "done", error: "Reviewer finished without recommendations" },
    { reviewer: "gina", status: "failed" },
  ]);
  // Nobody counted: every bucket is empty.
  assert.equal(tally.reviewers_counted, 0);
  assert.deepEqual([tally.consensus, tally.majority, tally.minority], [[], [], []]);
});

Deno.test("tallyRecommendations() puts everything in minority with a single counted reviewer", () => {
  const tally = tallyRecommendations({
    reviewers: [
      done("alice", [rec("Use WAL mode"), rec("Retry flaky tests")]),
      { reviewer: "bob", status: "failed" },
    ],
  });
  assert.deepEqual(tally.consensus, []);
  assert.deepEqual(tally.majority, []);
  assert.deepEqual(brief(tally.minority), [
    ["g1", "Retry flaky tests", ["alice"]],
    ["g2", "Use WAL mode", ["alice"]],
  ]);
});

Deno.test("tallyRecommendations() returns empty buckets for no reviewers", () => {
  assert.deepEqual(tallyRecommendations({ reviewers: [] }), {
    adjustments: [],
    reviewers_total: 0,
    reviewers_counted: 0,
    counted_reviewers: [],
    not_counted: [],
    threshold: { similarity: SIMILARITY_THRESHOLD, majority_min: 1 },
    consensus: [],
    majority: [],
    minority: [],
  });
});

Deno.test("tallyRecommendations() gives byte-identical JSON for any input order", () => {
  const expected = JSON.stringify(tallyRecommendations({ reviewers: THREE }));
  const reviewers: TallyReviewer[] = [
    ...THREE,
    { reviewer: "dave", status: "failed", error: "boom" },
  ];
  const withDave = JSON.stringify(tallyRecommendations({ reviewers }));
  for (const order of _permutations(reviewers)) {
    const reversed = order.map((r) => ({ ...r, recommendations: r.recommendations?.toReversed() }));
    assert.equal(JSON.stringify(tallyRecommendations({ reviewers: order })), withDave);
    assert.equal(JSON.stringify(tallyRecommendations({ reviewers: reversed })), withDave);
  }
  assert.notEqual(withDave, expected);
  assert.equal(JSON.stringify(tallyRecommendations({ reviewers: [...THREE].reverse() })), expected);
});

Deno.test("tallyRecommendations() breaks equal-similarity ties the same way for any order", () => {
  // "Log slow queries" is equally similar to both others; which pair merges
  // first must not depend on input order.
  const reviewers = [
    done("alice", [rec("Log slow queries")]),
    done("bob", [rec("Log slow requests")]),
    done("carol", [rec("Log queries fast")]),
  ];
  const outputs = new Set(
    _permutations(reviewers).map((order) =>
      JSON.stringify(tallyRecommendations({ reviewers: order }))
    ),
  );
  assert.equal(outputs.size, 1);
});

Deno.test("tallyRecommendations() refuses a reviewer named twice", () => {
  assert.throws(
    () => tallyRecommendations({ reviewers: [done("alice", []), done("alice", [])] }),
    (err: unknown) =>
      err instanceof AppError && err.code === "INVALID_INPUT" &&
      err.message === 'Reviewer "alice" appears more than once',
  );
});

function _permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  const out: T[][] = [];
  items.forEach((item, i) => {
    const rest = [...items.slice(0, i), ...items.slice(i + 1)];
    for (const tail of _permutations(rest)) out.push([item, ...tail]);
  });
  return out;
}

Deno.test("tallyRecommendations() puts an unkeyed title near two keys into the more similar one", () => {
  const tally = tallyRecommendations({
    reviewers: [
      done("alice", [rec("Retry flaky network tests", { key: "a" })]),
      done("bob", [rec("Retry flaky tests", { key: "b" })]),
      done("carol", [rec("Retry flaky network tests now")]),
    ],
  });
  assert.deepEqual(tally.majority.map((g) => [g.key, g.reviewers]), [["a", ["alice", "carol"]]]);
  assert.deepEqual(tally.minority.map((g) => [g.key, g.reviewers]), [["b", ["bob"]]]);
});
