/**
 * The reviewer result contract: the JSON a council reviewer passes to
 * `inbox done --payload-json '<result>'`.
 *
 * This is the only council module that loads zod; `tally.ts` and `report.ts`
 * work on the plain types in `types.ts`.
 *
 * @module
 */

import { z } from "zod";
import type { Recommendation, Severity } from "./types.ts";

const TITLE_MAX = 200;
const KEY_MAX = 100;
const PRIORITY_MIN = 1;
const PRIORITY_MAX = 5;
const SEVERITIES = ["low", "medium", "high", "critical"] as const;
/** Letters and digits, separated by single `-`, `_` or `.`: `retry-flaky-tests`. */
const KEY_PATTERN = /^[A-Za-z0-9]+(?:[-_.][A-Za-z0-9]+)*$/;

const RecommendationSchema = z.strictObject({
  title: z.string().trim().min(1).max(TITLE_MAX)
    .describe('Short imperative title, e.g. "Retry flaky network tests"'),
  summary: z.string().trim().min(1).describe("What to do, in a few sentences"),
  rationale: z.string().trim().min(1).describe("Why it matters"),
  key: z.string().trim().min(1).max(KEY_MAX).regex(KEY_PATTERN).optional()
    .describe("Optional slug; recommendations with the same key are always grouped together"),
  severity: z.enum(SEVERITIES).optional().describe("How serious the problem is"),
  priority: z.number().int().min(PRIORITY_MIN).max(PRIORITY_MAX).optional()
    .describe("1 (most urgent) to 5 (least urgent)"),
});

/**
 * Schema of a reviewer's done payload:
 * `{ summary?, recommendations: [{ title, summary, rationale, key?, severity?, priority? }, ...] }`.
 * Strings are trimmed; unknown fields are rejected so that typos surface.
 */
export const ReviewerResultSchema = z.strictObject({
  summary: z.string().trim().optional().describe("The reviewer's overall take, optional"),
  recommendations: z.array(RecommendationSchema).min(1)
    .describe("At least one recommendation"),
});

/** A validated (and trimmed) reviewer result. */
export type ReviewerResult = z.infer<typeof ReviewerResultSchema>;

// Compile-time checks: the zod shapes stay assignable to the plain types that
// tally.ts and report.ts use without loading zod.
type _Assert<T extends true> = T;
type _RecommendationFits = _Assert<
  ReviewerResult["recommendations"][number] extends Recommendation ? true : false
>;
type _SeverityFits = _Assert<
  (typeof SEVERITIES)[number] extends Severity ? Severity extends (typeof SEVERITIES)[number] ? true
    : false
    : false
>;

/** Outcome of {@linkcode validateReviewerResult}. */
export type ReviewerResultValidation =
  | { ok: true; result: ReviewerResult }
  | { ok: false; problems: string[] };

/**
 * Validates a reviewer's done payload. On failure each problem is one
 * sentence naming the JSON path and what to change, e.g.
 * `recommendations[1].rationale: required string is missing`.
 */
export function validateReviewerResult(value: unknown): ReviewerResultValidation {
  const parsed = ReviewerResultSchema.safeParse(value);
  if (parsed.success) return { ok: true, result: parsed.data };
  const problems: string[] = [];
  for (const issue of parsed.error.issues) {
    problems.push(..._describeIssue(issue, value));
  }
  return { ok: false, problems };
}

/** The contract as a JSON Schema (draft 2020-12), for docs and reviewer briefs. */
export function reviewerResultJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(ReviewerResultSchema) as Record<string, unknown>;
}

const _ROOT_FIELDS: readonly string[] = Object.keys(ReviewerResultSchema.shape);
const _RECOMMENDATION_FIELDS: readonly string[] = Object.keys(RecommendationSchema.shape);

function _describeIssue(issue: z.core.$ZodIssue, input: unknown): string[] {
  const path = issue.path;
  const where = _formatPath(path);
  const field = _fieldName(path);
  const { present, value } = _resolve(input, path);
  switch (issue.code) {
    case "invalid_type": {
      const expected = _expectedLabel(issue.expected, path);
      if (!present) return [`${where}: required ${expected} is missing`];
      return [`${where}: expected ${expected}, got ${_describeValue(value)}`];
    }
    case "too_small":
      if (issue.origin === "array") {
        return [`${where}: must contain at least one recommendation`];
      }
      if (issue.origin === "string") return [`${where}: must not be empty or only whitespace`];
      return [`${where}: ${_rangeHint(field)}, got ${_describeValue(value)}`];
    case "too_big":
      if (issue.origin === "string") {
        const length = typeof value === "string" ? value.trim().length : 0;
        return [`${where}: must be at most ${issue.maximum} characters, got ${length}`];
      }
      return [`${where}: ${_rangeHint(field)}, got ${_describeValue(value)}`];
    case "invalid_value": {
      const options = issue.values.map((v) => JSON.stringify(v)).join(", ");
      return [`${where}: must be one of ${options}, got ${_describeValue(value)}`];
    }
    case "invalid_format":
      return [
        `${where}: must be a slug of letters and digits separated by "-", "_" or "." ` +
        `(e.g. "retry-flaky-tests"), got ${_describeValue(value)}`,
      ];
    case "unrecognized_keys": {
      const allowed = path.length === 0 ? _ROOT_FIELDS : _RECOMMENDATION_FIELDS;
      return issue.keys.map((key) => {
        const hint = _closest(key, allowed);
        const suggestion = hint === undefined ? "" : ` (did you mean "${hint}"?)`;
        return `${_formatPath([...path, key])}: unknown field${suggestion}; ` +
          `allowed fields are ${allowed.join(", ")}`;
      });
    }
    default:
      return [`${where}: ${issue.message}`];
  }
}

function _expectedLabel(expected: string, path: readonly PropertyKey[]): string {
  const field = _fieldName(path);
  if (field === "priority") return `integer from ${PRIORITY_MIN} to ${PRIORITY_MAX}`;
  switch (expected) {
    case "int":
      return "integer";
    case "object":
      return path.length === 0 ? "JSON object" : "recommendation object";
    case "array":
      return field === "recommendations" ? "array of recommendations" : "array";
    default:
      return expected;
  }
}

function _rangeHint(field: string | undefined): string {
  if (field === "priority") {
    return `must be an integer from ${PRIORITY_MIN} (most urgent) to ${PRIORITY_MAX} (least urgent)`;
  }
  return "is out of range";
}

/** `["recommendations", 1, "rationale"]` -> `recommendations[1].rationale`; `[]` -> `payload`. */
function _formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += out === "" ? String(segment) : `.${String(segment)}`;
  }
  return out === "" ? "payload" : out;
}

/** The last segment of a path when it is a field name (not an index). */
function _fieldName(path: readonly PropertyKey[]): string | undefined {
  const last = path.at(-1);
  return typeof last === "string" ? last : undefined;
}

/** Follows `path` into `input`; `present` is false when the last step is a missing key. */
function _resolve(input: unknown, path: readonly PropertyKey[]): {
  present: boolean;
  value: unknown;
} {
  let current: unknown = input;
  for (const segment of path) {
    if (current === null || typeof current !== "object") {
      return { present: false, value: undefined };
    }
    const container = current as Record<PropertyKey, unknown>;
    if (!Object.hasOwn(container, segment)) return { present: false, value: undefined };
    current = container[segment];
  }
  return { present: true, value: current };
}

function _describeValue(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return "an array";
  switch (typeof value) {
    case "string": {
      const shown = value.length > 40 ? `${value.slice(0, 40)}...` : value;
      return JSON.stringify(shown);
    }
    case "number":
    case "boolean":
      return String(value);
    case "object":
      return "an object";
    default:
      return `a ${typeof value}`;
  }
}

/** The allowed name within edit distance 2 of `key` (ties: first in `allowed`), if any. */
function _closest(key: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of allowed) {
    const distance = _editDistance(key.toLowerCase(), candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function _editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
