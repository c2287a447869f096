/**
 * Renders a council tally as a markdown report. Pure and deterministic;
 * loads no zod.
 *
 * @module
 */

import type { Group, Recommendation, ReviewerStatus, Tally } from "./types.ts";

/** How the report marks a key that is not a reviewer's choice. */
const KEY_SOURCE_NOTE: Record<Group["key_source"], string> = {
  reviewer: "",
  generated: " (generated from the title)",
  split: " (made by the split)",
};

/** One reviewer as shown in the report's per-reviewer section. */
export interface CouncilReportReviewer {
  reviewer: string;
  status: ReviewerStatus;
  /** The reviewer's overall summary, from its result. */
  summary?: string | undefined;
  recommendations?: Recommendation[] | undefined;
  /** Why the reviewer failed, if known (the tally's `not_counted` error is used otherwise). */
  error?: string | undefined;
}

/** Input of {@linkcode renderCouncilReport}. */
export interface CouncilReportInput {
  runId: string;
  topic: string;
  tally: Tally;
  reviewers: CouncilReportReviewer[];
}

/**
 * Renders the report: title, Summary, Consensus, Majority, Minority,
 * Reviewers (one section each, sorted by name) and Dissent (groups raised by
 * a single reviewer, and reviewers not counted). The output depends only on
 * the input (no clock), so the same input renders the same bytes.
 */
export function renderCouncilReport(input: CouncilReportInput): string {
  const { tally } = input;
  const n = tally.reviewers_counted;
  const groups = [...tally.consensus, ...tally.majority, ...tally.minority];
  const out: string[] = [];

  out.push(`# Council report: ${_inline(input.topic)}`, "");
  out.push(`Run: \`${_inline(input.runId)}\``, "");

  out.push("## Summary", "");
  const counted = tally.counted_reviewers.length > 0
    ? ` (${tally.counted_reviewers.join(", ")})`
    : "";
  out.push(`- Counted reviewers: ${n} of ${tally.reviewers_total}${counted}`);
  const items = groups.reduce((sum, g) => sum + g.members.length, 0);
  out.push(
    `- Recommendations: ${items} in ${groups.length} ${_plural(groups.length, "group")} ` +
      `(${tally.consensus.length} consensus, ${tally.majority.length} majority, ` +
      `${tally.minority.length} minority)`,
  );
  if (tally.not_counted.length > 0) {
    const names = tally.not_counted.map((r) => `${r.reviewer} (${r.status})`).join(", ");
    out.push(`- Not counted: ${names}`);
  }
  out.push(
    `- Grouping: the same key, or title similarity >= ${tally.threshold.similarity}`,
  );
  const adjustments = tally.adjustments ?? [];
  if (adjustments.length > 0) {
    out.push(`- Leader adjustments: ${adjustments.length} (listed below)`);
  }
  out.push("");
  if (adjustments.length > 0) {
    out.push("## Leader adjustments", "");
    out.push("The leader corrected the automatic grouping, in this order:", "");
    for (const a of adjustments) {
      const what = a.op === "merge"
        ? `Merged the groups ${a.keys.map((k) => `\`${k}\``).join(", ")} into one`
        : `Split the group \`${a.key}\` into one group per reviewer`;
      out.push(`- ${what}${a.applied ? "" : " (not applied: no such groups in this tally)"}`);
    }
    out.push("");
  }

  const few = n < 2;
  _bucket(
    out,
    "Consensus",
    few
      ? "Needs at least two counted reviewers."
      : `Supported by every counted reviewer (${n} of ${n}).`,
    tally.consensus,
    n,
  );
  _bucket(
    out,
    "Majority",
    `Supported by more than half of the counted reviewers (at least ` +
      `${tally.threshold.majority_min} of ${n}), but not all.`,
    tally.majority,
    n,
  );
  _bucket(
    out,
    "Minority",
    few
      ? "With fewer than two counted reviewers, every recommendation is listed here."
      : "Supported by half of the counted reviewers or fewer.",
    tally.minority,
    n,
  );

  out.push("## Reviewers", "");
  const groupOf = new Map<string, string>();
  for (const g of groups) {
    for (const m of g.members) groupOf.set(_memberId(m.reviewer, m), g.id);
  }
  for (const reviewer of _reviewers(input)) {
    out.push(`### ${_inline(reviewer.reviewer)} (${reviewer.status})`, "");
    const error = reviewer.error ??
      tally.not_counted.find((r) => r.reviewer === reviewer.reviewer)?.error;
    if (error !== undefined) out.push(`Error: ${_inline(error)}`, "");
    if (reviewer.summary !== undefined && reviewer.summary.trim() !== "") {
      out.push(reviewer.summary.trim(), "");
    }
    const recs = reviewer.recommendations ?? [];
    if (recs.length === 0) {
      if (error === undefined) out.push("_No recommendations._", "");
      continue;
    }
    recs.forEach((rec, i) => {
      const group = groupOf.get(_memberId(reviewer.reviewer, rec));
      const where = group === undefined ? "" : ` (in ${group})`;
      const prefix = `${i + 1}. `;
      const pad = " ".repeat(prefix.length);
      out.push(`${prefix}**${_inline(rec.title)}**${_attributes(rec)}${where}`);
      out.push(`${pad}${_indent(rec.summary.trim(), pad)}`);
    });
    out.push("");
  }

  out.push("## Dissent", "");
  out.push("### Raised by a single reviewer", "");
  if (n < 2) {
    out.push("_Fewer than two reviewers were counted, so there is nothing to compare._", "");
  } else {
    // Who stood alone, and on what: group ids only (the groups are described above).
    const single = groups.filter((g) => g.support === 1);
    if (single.length === 0) out.push("_None._");
    const byReviewer = new Map<string, string[]>();
    for (const g of single) {
      const r = g.reviewers[0]!;
      byReviewer.set(r, [...(byReviewer.get(r) ?? []), g.id]);
    }
    for (const [reviewer, ids] of [...byReviewer].sort((a, b) => a[0] < b[0] ? -1 : 1)) {
      const others = tally.counted_reviewers.length - 1;
      out.push(
        `- ${reviewer} alone raised ${ids.join(", ")} (no other of the ${others} counted ` +
          `${_plural(others, "reviewer")} did)`,
      );
    }
    out.push("");
  }
  out.push("### Reviewers not counted", "");
  if (tally.not_counted.length === 0) out.push("_None._");
  for (const r of tally.not_counted) {
    const error = r.error === undefined ? "" : `: ${_inline(r.error)}`;
    out.push(`- ${r.reviewer} (${r.status})${error}`);
  }

  return `${out.join("\n")}\n`;
}

function _bucket(out: string[], name: string, intro: string, groups: Group[], n: number): void {
  out.push(`## ${name}`, "");
  out.push(intro, "");
  if (groups.length === 0) {
    out.push("_None._", "");
    return;
  }
  for (const g of groups) {
    out.push(`### ${g.id}. ${_inline(g.title)}`, "");
    const severity = g.max_severity === undefined ? "" : `; max severity: ${g.max_severity}`;
    const source = KEY_SOURCE_NOTE[g.key_source];
    const note = g.leader_note === undefined ? "" : ` ${_capital(g.leader_note)}.`;
    out.push(
      `Supported by ${g.reviewers.join(", ")} (${g.support} of ${n}); ` +
        `key: \`${g.key}\`${source}${severity}.${note}`,
      "",
    );
    for (const m of g.members) {
      out.push(`- **${_inline(m.reviewer)}**: ${_inline(m.title)}${_attributes(m)}`);
      out.push(`  - Summary: ${_indent(m.summary.trim(), "    ")}`);
      out.push(`  - Rationale: ${_indent(m.rationale.trim(), "    ")}`);
    }
    out.push("");
  }
}

/** Input reviewers sorted by name, plus any the tally knows that the input omitted. */
function _reviewers(input: CouncilReportInput): CouncilReportReviewer[] {
  const byName = new Map<string, CouncilReportReviewer>();
  for (const r of input.reviewers) byName.set(r.reviewer, r);
  for (const name of input.tally.counted_reviewers) {
    if (!byName.has(name)) byName.set(name, { reviewer: name, status: "done" });
  }
  for (const r of input.tally.not_counted) {
    if (!byName.has(r.reviewer)) byName.set(r.reviewer, { reviewer: r.reviewer, status: r.status });
  }
  return [...byName.values()].sort((a, b) =>
    a.reviewer < b.reviewer ? -1 : a.reviewer > b.reviewer ? 1 : 0
  );
}

function _memberId(
  reviewer: string,
  rec: { title: string; summary: string; rationale: string },
): string {
  return JSON.stringify([reviewer, rec.title, rec.summary, rec.rationale]);
}

/** ` (severity: high, priority: 1)`, or nothing. */
function _attributes(
  rec: { severity?: string | undefined; priority?: number | undefined },
): string {
  const parts: string[] = [];
  if (rec.severity !== undefined) parts.push(`severity: ${rec.severity}`);
  if (rec.priority !== undefined) parts.push(`priority: ${rec.priority}`);
  return parts.length === 0 ? "" : ` (${parts.join(", ")})`;
}

/** Collapses whitespace so text fits on one markdown line. */
function _inline(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** Indents continuation lines so multi-line text stays inside its list item. */
function _indent(text: string, pad: string): string {
  return text.replace(/\r\n?/g, "\n").split("\n").map((line, i) =>
    i === 0 || line === "" ? line : `${pad}${line}`
  ).join("\n");
}

function _plural(count: number, word: string): string {
  return count === 1 ? word : `${word}s`;
}

function _capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
