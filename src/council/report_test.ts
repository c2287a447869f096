import assert from "node:assert/strict";
import { renderCouncilReport } from "./report.ts";
import { tallyRecommendations } from "./tally.ts";
import type { Recommendation, TallyReviewer } from "./types.ts";

function rec(title: string, extra: Partial<Recommendation> = {}): Recommendation {
  return { title, summary: `Summary of ${title}`, rationale: `Why ${title}`, ...extra };
}

const REVIEWERS: Array<TallyReviewer & { summary?: string }> = [
  {
    reviewer: "bob",
    status: "done",
    summary: "Tests are the weak spot.",
    recommendations: [
      rec("Retry flaky network tests", { severity: "high", priority: 1 }),
      rec("Split the store module", { summary: "First line\nsecond line" }),
    ],
  },
  {
    reviewer: "alice",
    status: "done",
    recommendations: [rec("Add retry on flaky network tests"), rec("Use WAL mode")],
  },
  { reviewer: "carol", status: "failed", error: "Lease expired twice" },
];

function render(reviewers = REVIEWERS): string {
  const tally = tallyRecommendations({ reviewers });
  return renderCouncilReport({ runId: "council-1", topic: "Harden the queue", tally, reviewers });
}

Deno.test("renderCouncilReport() renders every section in order", () => {
  const report = render();
  const headings = report.split("\n").filter((line) => /^#{1,3} /.test(line));
  assert.deepEqual(headings, [
    "# Council report: Harden the queue",
    "## Summary",
    "## Consensus",
    "### g1. Retry flaky network tests",
    "## Majority",
    "## Minority",
    "### g2. Split the store module",
    "### g3. Use WAL mode",
    "## Reviewers",
    "### alice (done)",
    "### bob (done)",
    "### carol (failed)",
    "## Dissent",
    "### Raised by a single reviewer",
    "### Reviewers not counted",
  ]);
});

Deno.test("renderCouncilReport() summarises counts, the counted-over-N line and failures", () => {
  const report = render();
  assert.ok(report.includes("Run: `council-1`"));
  assert.ok(report.includes("- Counted reviewers: 2 of 3 (alice, bob)\n"));
  assert.ok(
    report.includes("- Recommendations: 4 in 3 groups (1 consensus, 0 majority, 2 minority)\n"),
  );
  assert.ok(report.includes("- Not counted: carol (failed)\n"));
  assert.ok(report.includes("## Majority\n\nSupported by more than half"));
  assert.ok(report.includes("_None._"));
});

Deno.test("renderCouncilReport() shows who supported a group and each member's reasoning", () => {
  const report = render();
  assert.ok(report.includes(
    "Supported by alice, bob (2 of 2); key: `retry-flaky-network-test` (generated from the title); max severity: high.\n",
  ));
  assert.ok(report.includes(
    "- **bob**: Retry flaky network tests (severity: high, priority: 1)\n" +
      "  - Summary: Summary of Retry flaky network tests\n" +
      "  - Rationale: Why Retry flaky network tests\n",
  ));
  assert.ok(report.includes("  - Summary: First line\n    second line\n"));
});

Deno.test("renderCouncilReport() lists each reviewer's summary and recommendations", () => {
  const report = render();
  assert.ok(report.includes(
    "### bob (done)\n\nTests are the weak spot.\n\n" +
      "1. **Retry flaky network tests** (severity: high, priority: 1) (in g1)\n" +
      "   Summary of Retry flaky network tests\n" +
      "2. **Split the store module** (in g2)\n",
  ));
  assert.ok(report.includes("### carol (failed)\n\nError: Lease expired twice\n"));
});

Deno.test("renderCouncilReport() names who stood alone by group id, without repeating the minority", () => {
  const report = render();
  const dissent = report.slice(report.indexOf("## Dissent"));
  assert.equal(
    dissent,
    "## Dissent\n\n" +
      "### Raised by a single reviewer\n\n" +
      "- alice alone raised g3 (no other of the 1 counted reviewer did)\n" +
      "- bob alone raised g2 (no other of the 1 counted reviewer did)\n\n" +
      "### Reviewers not counted\n\n" +
      "- carol (failed): Lease expired twice\n",
  );
});

Deno.test("renderCouncilReport() is identical across runs and input orders", () => {
  const first = render();
  assert.equal(render(), first);
  assert.equal(render([...REVIEWERS].reverse()), first);
});

Deno.test("renderCouncilReport() says there is nothing to compare with one counted reviewer", () => {
  const reviewers = REVIEWERS.filter((r) => r.reviewer !== "alice");
  const report = render(reviewers);
  assert.ok(report.includes("- Counted reviewers: 1 of 2 (bob)\n"));
  assert.ok(report.includes("_Fewer than two reviewers were counted"));
  assert.ok(report.includes("## Consensus\n\nNeeds at least two counted reviewers.\n\n_None._"));
  assert.ok(report.includes("### g1. Retry flaky network tests\n\nSupported by bob (1 of 1);"));
});
