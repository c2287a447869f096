/**
 * Groups council recommendations across reviewers into consensus, majority
 * and minority. Pure and deterministic; loads no zod.
 *
 * @module
 */

import { AppError } from "../protocol/errors.ts";
import { applyAdjustments } from "./adjust.ts";
import { titleTokens } from "./title_tokens.ts";
import type {
  Group,
  GroupMember,
  NotCountedReviewer,
  Recommendation,
  Severity,
  Tally,
  TallyInput,
  TallyReviewer,
} from "./types.ts";

/**
 * Minimum Jaccard similarity (shared tokens / all tokens) between the
 * normalised titles of two recommendations for them to be grouped.
 * "Add retry on flaky network tests" vs "Retry flaky network tests" is 0.8;
 * two titles sharing half of their combined distinct words are 0.5.
 */
export const SIMILARITY_THRESHOLD = 0.5;

const _SEVERITY_RANK: Record<Severity, number> = { low: 1, medium: 2, high: 3, critical: 4 };

/** A recommendation of a counted reviewer, prepared for grouping. */
interface _Item {
  /** Position in the canonical (input-order independent) item order. */
  index: number;
  reviewer: string;
  rec: Recommendation;
  /** Normalised explicit key, if any. */
  key: string | undefined;
  tokens: string[];
}

/** A group under construction: its id is its smallest member index. */
interface _Cluster {
  id: number;
  key: string | undefined;
  items: _Item[];
}

/**
 * Tallies the reviewers' recommendations.
 *
 * Counting: only reviewers with status `"done"` and a `recommendations`
 * array are counted; every other reviewer (including `"done"` without
 * recommendations) is listed in `not_counted`.
 *
 * Grouping (see docs/council.md):
 * - Recommendations with the same explicit `key` (normalised: lowercased,
 *   non-alphanumeric runs -> `-`) form one group, whatever their titles.
 * - Other recommendations are grouped by complete-linkage agglomeration over
 *   title similarity: two groups merge when every pair of their members has
 *   a token Jaccard similarity >= {@linkcode SIMILARITY_THRESHOLD}, the most
 *   similar pair of groups first (ties: earliest in canonical order).
 * - An unkeyed recommendation may join a keyed group under the same rule
 *   (similar to every member of it); two groups with different keys never
 *   merge. Hence a keyed and an unkeyed recommendation meet only through
 *   title similarity, and the group keeps the explicit key.
 * - A reviewer counts once per group however many of its items are in it.
 *
 * Buckets, with `n` counted reviewers: consensus = support `n` and `n >= 2`;
 * majority = support `> n / 2` and `< n`; minority = the rest (so with a
 * single counted reviewer everything is minority).
 *
 * Group order: support desc, max severity desc, title, key; ids `g1`, `g2`,
 * ... follow that order across all buckets. The same reviewers in any order
 * give a byte-identical `JSON.stringify` of the result.
 *
 * @throws {AppError} `INVALID_INPUT` when a reviewer name appears twice.
 */
export function tallyRecommendations(input: TallyInput): Tally {
  const reviewers = [...input.reviewers].sort((a, b) => _compare(a.reviewer, b.reviewer));
  for (let i = 1; i < reviewers.length; i++) {
    const name = reviewers[i]?.reviewer;
    if (name !== undefined && name === reviewers[i - 1]?.reviewer) {
      throw new AppError("INVALID_INPUT", `Reviewer "${name}" appears more than once`, {
        reviewer: name,
      });
    }
  }

  const counted: Array<TallyReviewer & { recommendations: Recommendation[] }> = [];
  const notCounted: NotCountedReviewer[] = [];
  for (const reviewer of reviewers) {
    if (reviewer.status === "done" && Array.isArray(reviewer.recommendations)) {
      counted.push({ ...reviewer, recommendations: reviewer.recommendations });
      continue;
    }
    const error = reviewer.error ??
      (reviewer.status === "done" ? "Reviewer finished without recommendations" : undefined);
    notCounted.push({
      reviewer: reviewer.reviewer,
      status: reviewer.status,
      ...(error === undefined ? {} : { error }),
    });
  }

  const n = counted.length;
  const threshold = input.threshold ?? SIMILARITY_THRESHOLD;
  if (!(threshold >= 0 && threshold <= 1)) {
    throw new AppError("INVALID_INPUT", `Similarity threshold ${threshold} is not within 0..1`, {
      threshold,
    });
  }
  let groups = _groupItems(_canonicalItems(counted), threshold);
  const adjusted = applyAdjustments(groups, input.adjustments ?? []);
  groups = adjusted.groups;
  const consensus: Group[] = [];
  const majority: Group[] = [];
  const minority: Group[] = [];
  for (const group of groups) {
    if (n >= 2 && group.support === n) consensus.push(group);
    else if (group.support > n / 2 && group.support < n) majority.push(group);
    else minority.push(group);
  }

  return {
    reviewers_total: reviewers.length,
    reviewers_counted: n,
    counted_reviewers: counted.map((r) => r.reviewer),
    not_counted: notCounted,
    threshold: { similarity: threshold, majority_min: Math.floor(n / 2) + 1 },
    adjustments: adjusted.applied,
    consensus,
    majority,
    minority,
  };
}

/** All counted items, sorted by content so that input order cannot matter. */
function _canonicalItems(
  counted: ReadonlyArray<{ reviewer: string; recommendations: Recommendation[] }>,
): _Item[] {
  const items: Array<Omit<_Item, "index">> = [];
  for (const { reviewer, recommendations } of counted) {
    for (const rec of recommendations) {
      items.push({ reviewer, rec, key: _normalizeKey(rec.key), tokens: titleTokens(rec.title) });
    }
  }
  items.sort((a, b) =>
    _compare(a.key ?? "", b.key ?? "") ||
    _compare(a.tokens.join(" "), b.tokens.join(" ")) ||
    _compare(a.reviewer, b.reviewer) ||
    _compare(a.rec.title, b.rec.title) ||
    _compare(a.rec.summary, b.rec.summary) ||
    _compare(a.rec.rationale, b.rec.rationale) ||
    _compare(a.rec.key ?? "", b.rec.key ?? "") ||
    _severityRank(a.rec.severity) - _severityRank(b.rec.severity) ||
    (a.rec.priority ?? 0) - (b.rec.priority ?? 0)
  );
  return items.map((item, index) => ({ ...item, index }));
}

/** Clusters the items and turns the clusters into sorted, numbered groups. */
function _groupItems(items: _Item[], threshold: number): Group[] {
  const clusters = _cluster(items, threshold);
  const drafts = clusters.map((cluster) => {
    const representative = _representative(cluster.items);
    const members = [...cluster.items].sort((a, b) =>
      _compare(a.reviewer, b.reviewer) || a.index - b.index
    );
    const reviewers = [...new Set(members.map((m) => m.reviewer))];
    let maxRank = 0;
    for (const m of members) maxRank = Math.max(maxRank, _severityRank(m.rec.severity));
    return {
      cluster,
      title: representative.rec.title,
      baseKey: cluster.key ?? (representative.tokens.map(_slug).join("-") || "untitled"),
      members,
      reviewers,
      maxRank,
    };
  });

  drafts.sort((a, b) =>
    b.reviewers.length - a.reviewers.length ||
    b.maxRank - a.maxRank ||
    _compare(a.title, b.title) ||
    _compare(a.baseKey, b.baseKey) ||
    a.cluster.id - b.cluster.id
  );

  // Explicit keys are unique per group already; derived keys get `-2`, `-3`
  // ... when they collide with an explicit key or an earlier derived one.
  const used = new Set<string>();
  for (const d of drafts) if (d.cluster.key !== undefined) used.add(d.cluster.key);

  return drafts.map((d, i): Group => {
    let key = d.baseKey;
    if (d.cluster.key === undefined) {
      for (let suffix = 2; used.has(key); suffix++) key = `${d.baseKey}-${suffix}`;
      used.add(key);
    }
    const maxSeverity = _severityFromRank(d.maxRank);
    return {
      id: `g${i + 1}`,
      key,
      key_source: d.cluster.key === undefined ? "generated" : "reviewer",
      title: d.title,
      support: d.reviewers.length,
      reviewers: d.reviewers,
      members: d.members.map(_member),
      ...(maxSeverity === undefined ? {} : { max_severity: maxSeverity }),
    };
  });
}

/**
 * Complete-linkage agglomerative clustering. Starts from one cluster per
 * explicit key plus one per unkeyed item, then repeatedly merges the most
 * similar mergeable pair until none reaches the threshold. O(c^3) for c
 * starting clusters, which is fine for a council (tens of items).
 */
function _cluster(items: _Item[], threshold: number): _Cluster[] {
  const clusters: _Cluster[] = [];
  const byKey = new Map<string, _Cluster>();
  for (const item of items) {
    if (item.key === undefined) {
      clusters.push({ id: item.index, key: undefined, items: [item] });
      continue;
    }
    const existing = byKey.get(item.key);
    if (existing !== undefined) {
      existing.items.push(item);
      continue;
    }
    const cluster: _Cluster = { id: item.index, key: item.key, items: [item] };
    byKey.set(item.key, cluster);
    clusters.push(cluster);
  }
  clusters.sort((a, b) => a.id - b.id);

  const c = clusters.length;
  // sim[i * c + j]: complete linkage = the least similar pair across clusters.
  const sim = new Float64Array(c * c);
  for (let i = 0; i < c; i++) {
    for (let j = i + 1; j < c; j++) {
      let least = Infinity;
      for (const a of clusters[i]?.items ?? []) {
        for (const b of clusters[j]?.items ?? []) least = Math.min(least, _jaccard(a, b));
      }
      sim[i * c + j] = least;
      sim[j * c + i] = least;
    }
  }

  const alive = clusters.map(() => true);
  for (;;) {
    let best = -1;
    let bestI = -1;
    let bestJ = -1;
    for (let i = 0; i < c; i++) {
      if (!alive[i]) continue;
      for (let j = i + 1; j < c; j++) {
        if (!alive[j]) continue;
        if (clusters[i]?.key !== undefined && clusters[j]?.key !== undefined) continue;
        const s = sim[i * c + j] ?? 0;
        if (s >= threshold && s > best) {
          best = s;
          bestI = i;
          bestJ = j;
        }
      }
    }
    const target = clusters[bestI];
    const source = clusters[bestJ];
    if (target === undefined || source === undefined) break;
    // bestI < bestJ, so the merged cluster keeps the smaller id.
    target.items.push(...source.items);
    target.key ??= source.key;
    alive[bestJ] = false;
    for (let k = 0; k < c; k++) {
      const merged = Math.min(sim[bestI * c + k] ?? 0, sim[bestJ * c + k] ?? 0);
      sim[bestI * c + k] = merged;
      sim[k * c + bestI] = merged;
    }
  }
  return clusters.filter((_, i) => alive[i]);
}

/**
 * The member whose title is most similar to the others' (sum of
 * similarities); ties go to the shorter title, then the smaller title in
 * code-unit order, then canonical order.
 */
function _representative(items: readonly _Item[]): _Item {
  let best: { item: _Item; score: number } | undefined;
  for (const item of items) {
    let score = 0;
    for (const other of items) if (other !== item) score += _jaccard(item, other);
    if (
      best === undefined ||
      score > best.score ||
      (score === best.score && _betterTitle(item, best.item))
    ) {
      best = { item, score };
    }
  }
  if (best === undefined) throw new Error("Cannot pick a representative of an empty group");
  return best.item;
}

function _betterTitle(a: _Item, b: _Item): boolean {
  const order = a.rec.title.length - b.rec.title.length ||
    _compare(a.rec.title, b.rec.title) ||
    a.index - b.index;
  return order < 0;
}

function _member(item: _Item): GroupMember {
  const { rec } = item;
  return {
    reviewer: item.reviewer,
    title: rec.title,
    summary: rec.summary,
    rationale: rec.rationale,
    ...(rec.key === undefined ? {} : { key: rec.key }),
    ...(rec.severity === undefined ? {} : { severity: rec.severity }),
    ...(rec.priority === undefined ? {} : { priority: rec.priority }),
  };
}

/** Token-set Jaccard similarity; two empty titles are not similar. */
function _jaccard(a: _Item, b: _Item): number {
  if (a.tokens.length === 0 || b.tokens.length === 0) return 0;
  const bSet = new Set(b.tokens);
  let shared = 0;
  for (const token of a.tokens) if (bSet.has(token)) shared++;
  return shared / (a.tokens.length + b.tokens.length - shared);
}

/** `"Retry_Flaky.Tests"` -> `"retry-flaky-tests"`; blank -> undefined. */
function _normalizeKey(key: string | undefined): string | undefined {
  if (key === undefined) return undefined;
  const slug = _slug(key);
  return slug === "" ? undefined : slug;
}

function _slug(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, "-")
    .replace(/^-+|-+$/g, "");
}

function _severityRank(severity: Severity | undefined): number {
  return severity === undefined ? 0 : _SEVERITY_RANK[severity];
}

function _severityFromRank(rank: number): Severity | undefined {
  switch (rank) {
    case 1:
      return "low";
    case 2:
      return "medium";
    case 3:
      return "high";
    case 4:
      return "critical";
    default:
      return undefined;
  }
}

/** Code-unit string order: locale-independent, so output never depends on the machine. */
function _compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
