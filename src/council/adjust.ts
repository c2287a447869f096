/**
 * The leader's corrections of a council tally's grouping: merge groups into
 * one idea, or split a group into one group per reviewer. Pure; loads no zod.
 *
 * @module
 */

import type {
  AppliedAdjustment,
  CouncilAdjustment,
  Group,
  GroupMember,
  Severity,
} from "./types.ts";

const _RANK: Record<Severity, number> = { low: 1, medium: 2, high: 3, critical: 4 };

function _compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function _maxSeverity(members: readonly GroupMember[]): Severity | undefined {
  let best: Severity | undefined;
  for (const m of members) {
    if (m.severity !== undefined && (best === undefined || _RANK[m.severity] > _RANK[best])) {
      best = m.severity;
    }
  }
  return best;
}

function _group(base: Omit<Group, "id" | "support" | "reviewers" | "max_severity">): Group {
  const members = [...base.members].sort((a, b) =>
    _compare(a.reviewer, b.reviewer) || _compare(a.title, b.title)
  );
  const reviewers = [...new Set(members.map((m) => m.reviewer))].sort(_compare);
  const max = _maxSeverity(members);
  return {
    id: "",
    key: base.key,
    key_source: base.key_source,
    title: base.title,
    support: reviewers.length,
    reviewers,
    members,
    ...(max === undefined ? {} : { max_severity: max }),
    ...(base.leader_note === undefined ? {} : { leader_note: base.leader_note }),
  };
}

/**
 * Applies `adjustments` in order to `groups` (a tally's groups in their
 * order). A merge needs at least two of its keys to name groups; a split
 * needs its group to have two reviewers or more; otherwise the adjustment is
 * reported with `applied: false` and changes nothing. With no adjustments
 * the groups come back as they were; otherwise they are re-sorted (support,
 * max severity, title, key) and renumbered `g1`, `g2`, ...
 */
export function applyAdjustments(
  groups: readonly Group[],
  adjustments: readonly CouncilAdjustment[],
): { groups: Group[]; applied: AppliedAdjustment[] } {
  if (adjustments.length === 0) return { groups: [...groups], applied: [] };
  let current = [...groups];
  const applied: AppliedAdjustment[] = [];
  for (const adj of adjustments) {
    if (adj.op === "merge") {
      const found = adj.keys.map((k) => current.find((g) => g.key === k))
        .filter((g): g is Group => g !== undefined);
      const distinct = [...new Set(found)];
      if (distinct.length < 2) {
        applied.push({ ...adj, applied: false });
        continue;
      }
      // The title of the best supported group (ties: the first key listed).
      const lead = distinct.reduce((a, b) => b.support > a.support ? b : a);
      const merged = _group({
        key: distinct[0]!.key,
        key_source: distinct[0]!.key_source,
        title: lead.title,
        members: distinct.flatMap((g) => g.members),
        leader_note: `merged by the leader from ${distinct.map((g) => `"${g.key}"`).join(", ")}`,
      });
      current = [...current.filter((g) => !distinct.includes(g)), merged];
      applied.push({ ...adj, applied: true });
    } else {
      const group = current.find((g) => g.key === adj.key);
      if (group === undefined || group.reviewers.length < 2) {
        applied.push({ ...adj, applied: false });
        continue;
      }
      const parts = group.reviewers.map((reviewer) => {
        const members = group.members.filter((m) => m.reviewer === reviewer);
        return _group({
          key: `${group.key}.${reviewer}`,
          key_source: "split",
          title: members[0]!.title,
          members,
          leader_note: `split by the leader from "${group.key}"`,
        });
      });
      current = [...current.filter((g) => g !== group), ...parts];
      applied.push({ ...adj, applied: true });
    }
  }
  current.sort((a, b) =>
    b.support - a.support ||
    (b.max_severity ? _RANK[b.max_severity] : 0) - (a.max_severity ? _RANK[a.max_severity] : 0) ||
    _compare(a.title, b.title) ||
    _compare(a.key, b.key)
  );
  return { groups: current.map((g, i) => ({ ...g, id: `g${i + 1}` })), applied };
}
