/**
 * Plain data types shared by the council contract, tally and report.
 *
 * This file has no runtime imports on purpose: `tally.ts` and `report.ts`
 * use these types without loading zod (which only `contract.ts` needs).
 * Optional fields are typed `T | undefined` so that values parsed by zod
 * (whose optional fields infer that way) are assignable under
 * `exactOptionalPropertyTypes`.
 *
 * @module
 */

/** How serious a recommendation is, lowest first. */
export type Severity = "low" | "medium" | "high" | "critical";

/** The state of one reviewer's attempt, as the tally sees it. */
export type ReviewerStatus = "done" | "failed" | "pending" | "cancelled";

/** One recommendation made by one reviewer (the contract's item shape). */
export interface Recommendation {
  /** Short imperative title, 1..200 characters. */
  title: string;
  /** What to do, in a few sentences. */
  summary: string;
  /** Why it matters. */
  rationale: string;
  /** Optional slug; recommendations with the same (normalised) key are grouped together. */
  key?: string | undefined;
  severity?: Severity | undefined;
  /** 1 (most urgent) .. 5 (least urgent). */
  priority?: number | undefined;
}

/** One reviewer as fed to {@linkcode tallyRecommendations}. */
export interface TallyReviewer {
  reviewer: string;
  status: ReviewerStatus;
  /** The reviewer's recommendations; only read when `status` is `"done"`. */
  recommendations?: Recommendation[] | undefined;
  /** Why the reviewer failed or was cancelled, if known. */
  error?: string | undefined;
}

/**
 * A leader's correction of the grouping, recorded on the council run and
 * applied after the automatic grouping: merge the groups with these keys
 * into one, or split a group into one group per reviewer.
 */
export type CouncilAdjustment =
  | { op: "merge"; keys: string[] }
  | { op: "split"; key: string };

/** An adjustment as the tally applied it (`applied` false when its keys matched no groups). */
export type AppliedAdjustment = CouncilAdjustment & { applied: boolean };

/** Input of {@linkcode tallyRecommendations}. */
export interface TallyInput {
  reviewers: TallyReviewer[];
  /** Title similarity threshold, 0..1 (default SIMILARITY_THRESHOLD). */
  threshold?: number;
  /** The leader's merges and splits, applied in order. */
  adjustments?: readonly CouncilAdjustment[];
}

/** One recommendation inside a {@linkcode Group}, with who made it. */
export interface GroupMember {
  reviewer: string;
  title: string;
  summary: string;
  rationale: string;
  key?: string;
  severity?: Severity;
  priority?: number;
}

/** Recommendations that the tally considers "the same idea". */
export interface Group {
  /** `g1`, `g2`, ... in the tally's final group order. */
  id: string;
  /** The explicit (normalised) key, or a slug of the representative title. Unique in a tally. */
  key: string;
  /**
   * `reviewer`: a reviewer's `key`; `generated`: made by the tally from the title; `split`: a
   * leader's split, the split group's key and the reviewer. Only `reviewer` is a reviewer's choice.
   */
  key_source: "reviewer" | "generated" | "split";
  /** Set when the leader merged or split this group: what was done. */
  leader_note?: string;
  /** The representative member's title. */
  title: string;
  /** Number of distinct counted reviewers in the group. */
  support: number;
  /** Distinct reviewers in the group, sorted. */
  reviewers: string[];
  /** Sorted by reviewer, then title. */
  members: GroupMember[];
  /** Highest severity among members; absent when no member gave one. */
  max_severity?: Severity;
}

/** A reviewer whose recommendations were not counted, and why. */
export interface NotCountedReviewer {
  reviewer: string;
  status: ReviewerStatus;
  error?: string;
}

/** Output of {@linkcode tallyRecommendations}; snake_case because it is emitted as JSON. */
export interface Tally {
  reviewers_total: number;
  reviewers_counted: number;
  /** Sorted. */
  counted_reviewers: string[];
  /** Sorted by reviewer. */
  not_counted: NotCountedReviewer[];
  threshold: {
    /** Minimum token Jaccard similarity for two unkeyed titles to group. */
    similarity: number;
    /** Minimum support for the majority bucket (`floor(counted / 2) + 1`). */
    majority_min: number;
  };
  /** The leader's merges and splits, in the order applied. */
  adjustments: AppliedAdjustment[];
  consensus: Group[];
  majority: Group[];
  minority: Group[];
}
