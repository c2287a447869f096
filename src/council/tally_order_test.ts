/**
 * Property test: the tally (and the report's tally-derived sections) does
 * not depend on the order in which reviewers submitted, nor on the order of
 * the items inside one reviewer's result, near-duplicates included.
 *
 * Seeded: set TALLY_SEED to replay a failure; every failure message names
 * the seed and the case.
 */
import assert from "node:assert/strict";
import { renderCouncilReport } from "./report.ts";
import { tallyRecommendations } from "./tally.ts";
import type { Recommendation, Severity, TallyReviewer } from "./types.ts";

const CASES = 150;
const PERMUTATIONS_PER_CASE = 6;

/** mulberry32: a small, well-known 32-bit PRNG; the same seed gives the same sequence. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;

function pick<T>(rand: Rand, values: readonly T[]): T {
  return values[Math.floor(rand() * values.length)]!;
}

/** Fisher-Yates on a copy. */
function shuffle<T>(rand: Rand, values: readonly T[]): T[] {
  const out = [...values];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

// Overlapping words, so that titles group, chain and tie in many ways.
const WORDS = ["retry", "flaky", "network", "tests", "cache", "store", "split", "module", "docs"];
const KEYS = ["retry-flaky", "Retry_Flaky", "cache", "split-store", "  "];
const SEVERITIES: ReadonlyArray<Severity | undefined> = [
  undefined,
  "low",
  "medium",
  "high",
  "critical",
];

function randomTitle(rand: Rand): string {
  const n = 1 + Math.floor(rand() * 4);
  const words = Array.from({ length: n }, () => pick(rand, WORDS));
  if (rand() < 0.2) words.unshift(pick(rand, ["Add", "the", "Please"]));
  return words.join(" ");
}

function randomRec(rand: Rand): Recommendation {
  const rec: Recommendation = {
    title: randomTitle(rand),
    summary: pick(rand, ["Do it", "Do it soon", "Do it now"]),
    rationale: pick(rand, ["Because", "It breaks"]),
  };
  if (rand() < 0.3) rec.key = pick(rand, KEYS);
  const severity = pick(rand, SEVERITIES);
  if (severity !== undefined) rec.severity = severity;
  if (rand() < 0.4) rec.priority = 1 + Math.floor(rand() * 5);
  return rec;
}

/** A near-duplicate of `rec`: one field changed a little, or an exact copy. */
function nearDuplicate(rand: Rand, rec: Recommendation): Recommendation {
  const copy: Recommendation = { ...rec };
  switch (Math.floor(rand() * 8)) {
    case 0:
      return copy; // exact duplicate
    case 1:
      copy.summary = `${rec.summary}.`;
      return copy;
    case 2:
      copy.rationale = `${rec.rationale}!`;
      return copy;
    case 3:
      copy.title = rec.title.toUpperCase(); // same tokens, other title
      return copy;
    case 4:
      copy.title = `${rec.title}.`;
      return copy;
    case 5:
      copy.severity = pick(rand, ["low", "high"]);
      return copy;
    case 6:
      copy.priority = (rec.priority ?? 0) + 1;
      return copy;
    default:
      copy.key = rec.key === undefined ? "retry-flaky" : rec.key.toUpperCase();
      return copy;
  }
}

function randomReviewers(rand: Rand): Array<TallyReviewer & { summary?: string }> {
  const names = shuffle(rand, ["alice", "bob", "carol", "dave", "erin"]).slice(
    0,
    1 + Math.floor(rand() * 5),
  );
  return names.map((reviewer) => {
    const roll = rand();
    if (roll < 0.1) return { reviewer, status: "failed", error: "Lease expired" };
    if (roll < 0.15) return { reviewer, status: "done" };
    const recs: Recommendation[] = [];
    const count = Math.floor(rand() * 6);
    for (let i = 0; i < count; i++) {
      recs.push(
        recs.length > 0 && rand() < 0.35 ? nearDuplicate(rand, pick(rand, recs)) : randomRec(rand),
      );
    }
    return { reviewer, status: "done", summary: `${reviewer} says`, recommendations: recs };
  });
}

type Reviewers = ReturnType<typeof randomReviewers>;

function tallyAndReport(reviewers: Reviewers): { json: string; report: string } {
  const tally = tallyRecommendations({ reviewers });
  const report = renderCouncilReport({ runId: "r1", topic: "Order", tally, reviewers });
  return { json: JSON.stringify(tally), report };
}

/**
 * The report without its "## Reviewers" section, which lists each
 * reviewer's recommendations numbered in the order that reviewer wrote them
 * (their own ranking; see docs/decisions.md).
 */
function withoutReviewerSection(report: string): string {
  return report.replace(/\n## Reviewers\n[\s\S]*?\n## Dissent\n/, "\n## Dissent\n");
}

function seed(): number {
  const fromEnv = Deno.env.get("TALLY_SEED");
  return fromEnv !== undefined ? Number(fromEnv) : (Date.now() ^ (Math.random() * 2 ** 32)) >>> 0;
}

Deno.test({
  name: "tallyRecommendations() and the report do not depend on reviewer or item order",
  permissions: { env: ["TALLY_SEED"] },
  fn() {
    const base = seed();
    for (let c = 0; c < CASES; c++) {
      const caseSeed = (base + c) >>> 0;
      const rand = prng(caseSeed);
      const reviewers = randomReviewers(rand);
      const expected = tallyAndReport(reviewers);
      const where = `TALLY_SEED=${base} case ${c} (case seed ${caseSeed})`;
      for (let p = 0; p < PERMUTATIONS_PER_CASE; p++) {
        // Reviewers in another submission order only: the whole report is byte-identical.
        const reordered = shuffle(rand, reviewers);
        const byReviewer = tallyAndReport(reordered);
        assert.equal(byReviewer.json, expected.json, `tally JSON differs: ${where}`);
        assert.equal(byReviewer.report, expected.report, `report differs: ${where}`);

        // Items shuffled inside each result as well.
        const shuffled = shuffle(rand, reviewers).map((r) =>
          r.recommendations === undefined
            ? r
            : { ...r, recommendations: shuffle(rand, r.recommendations) }
        );
        const byItem = tallyAndReport(shuffled);
        assert.equal(byItem.json, expected.json, `tally JSON differs: ${where}`);
        assert.equal(
          withoutReviewerSection(byItem.report),
          withoutReviewerSection(expected.report),
          `report differs outside the Reviewers section: ${where}`,
        );
      }
    }
  },
});

Deno.test("the generator makes near-duplicates from the same reviewer that the tally keeps apart", () => {
  // Guards the property test against a generator that never exercises the
  // canonical sort: same reviewer, same tokens, different other fields.
  const rand = prng(7);
  let nearDuplicates = 0;
  for (let c = 0; c < CASES; c++) {
    for (const r of randomReviewers(rand)) {
      const titles = (r.recommendations ?? []).map((rec) => rec.title.toLowerCase());
      nearDuplicates += titles.length - new Set(titles).size;
    }
  }
  assert.ok(nearDuplicates > CASES / 2, `only ${nearDuplicates} near-duplicates generated`);
});
