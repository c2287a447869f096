import assert from "node:assert/strict";
import { reviewerResultJsonSchema, validateReviewerResult } from "./contract.ts";

const GOOD = {
  summary: "The test suite is the main risk.",
  recommendations: [
    {
      title: "  Retry flaky network tests  ",
      summary: "Wrap network tests in a bounded retry.",
      rationale: "They fail one run in ten.",
      key: "retry-flaky-tests",
      severity: "high",
      priority: 1,
    },
    { title: "Document exit codes", summary: "List them.", rationale: "Scripts rely on them." },
  ],
};

function problemsOf(value: unknown): string[] {
  const result = validateReviewerResult(value);
  assert(!result.ok, "expected the payload to be rejected");
  return result.problems;
}

function withFirst(patch: Record<string, unknown>, drop: string[] = []): unknown {
  const first: Record<string, unknown> = { ...GOOD.recommendations[0], ...patch };
  for (const key of drop) delete first[key];
  return { ...GOOD, recommendations: [first, GOOD.recommendations[1]] };
}

Deno.test("validateReviewerResult() accepts a good payload and trims strings", () => {
  const result = validateReviewerResult(GOOD);
  assert(result.ok);
  assert.deepEqual(result.result.recommendations.length, 2);
  assert.deepEqual(result.result.recommendations[0]?.title, "Retry flaky network tests");
  assert.deepEqual(result.result.recommendations[0]?.severity, "high");
});

Deno.test("validateReviewerResult() accepts a payload without the optional fields", () => {
  const result = validateReviewerResult({
    recommendations: [{ title: "T", summary: "S", rationale: "R" }],
  });
  assert(result.ok);
});

Deno.test("validateReviewerResult() names a missing required field by its path", () => {
  const payload = {
    recommendations: [GOOD.recommendations[1], { title: "Second", summary: "S" }],
  };
  assert.deepEqual(problemsOf(payload), [
    "recommendations[1].rationale: required string is missing",
  ]);
});

Deno.test("validateReviewerResult() rejects a payload that is not an object", () => {
  assert.deepEqual(problemsOf(null), ["payload: expected JSON object, got null"]);
  assert.deepEqual(problemsOf("done"), ['payload: expected JSON object, got "done"']);
  assert.deepEqual(problemsOf([]), ["payload: expected JSON object, got an array"]);
});

Deno.test("validateReviewerResult() requires at least one recommendation", () => {
  assert.deepEqual(problemsOf({}), [
    "recommendations: required array of recommendations is missing",
  ]);
  assert.deepEqual(problemsOf({ recommendations: [] }), [
    "recommendations: must contain at least one recommendation",
  ]);
  assert.deepEqual(problemsOf({ recommendations: "fix it" }), [
    'recommendations: expected array of recommendations, got "fix it"',
  ]);
  assert.deepEqual(problemsOf({ recommendations: ["fix it"] }), [
    'recommendations[0]: expected recommendation object, got "fix it"',
  ]);
});

Deno.test("validateReviewerResult() rejects blank and overlong titles", () => {
  assert.deepEqual(problemsOf(withFirst({ title: "   " })), [
    "recommendations[0].title: must not be empty or only whitespace",
  ]);
  assert.deepEqual(problemsOf(withFirst({ title: "x".repeat(201) })), [
    "recommendations[0].title: must be at most 200 characters, got 201",
  ]);
  assert.deepEqual(problemsOf(withFirst({ title: 42 })), [
    "recommendations[0].title: expected string, got 42",
  ]);
});

Deno.test("validateReviewerResult() rejects an unknown severity with the allowed values", () => {
  assert.deepEqual(problemsOf(withFirst({ severity: "High" })), [
    'recommendations[0].severity: must be one of "low", "medium", "high", "critical", got "High"',
  ]);
});

Deno.test("validateReviewerResult() rejects a priority outside 1..5 or not an integer", () => {
  assert.deepEqual(problemsOf(withFirst({ priority: 9 })), [
    "recommendations[0].priority: must be an integer from 1 (most urgent) to 5 (least urgent), got 9",
  ]);
  assert.deepEqual(problemsOf(withFirst({ priority: 0 })), [
    "recommendations[0].priority: must be an integer from 1 (most urgent) to 5 (least urgent), got 0",
  ]);
  assert.deepEqual(problemsOf(withFirst({ priority: 1.5 })), [
    "recommendations[0].priority: expected integer from 1 to 5, got 1.5",
  ]);
  assert.deepEqual(problemsOf(withFirst({ priority: "2" })), [
    'recommendations[0].priority: expected integer from 1 to 5, got "2"',
  ]);
});

Deno.test("validateReviewerResult() rejects a key that is not slug-like", () => {
  assert.deepEqual(problemsOf(withFirst({ key: "retry flaky tests" })), [
    'recommendations[0].key: must be a slug of letters and digits separated by "-", "_" or "." ' +
    '(e.g. "retry-flaky-tests"), got "retry flaky tests"',
  ]);
});

Deno.test("validateReviewerResult() rejects unknown fields and suggests the likely typo", () => {
  assert.deepEqual(problemsOf(withFirst({ rationle: "R" }, ["rationale"])), [
    "recommendations[0].rationale: required string is missing",
    'recommendations[0].rationle: unknown field (did you mean "rationale"?); ' +
    "allowed fields are title, summary, rationale, key, severity, priority",
  ]);
  assert.deepEqual(problemsOf({ ...GOOD, verdict: "ok" }), [
    "verdict: unknown field; allowed fields are summary, recommendations",
  ]);
});

Deno.test("validateReviewerResult() reports every problem, not just the first", () => {
  const problems = problemsOf({
    recommendations: [{ title: "", summary: 1, rationale: "R", severity: "urgent" }],
  });
  assert.deepEqual(problems, [
    "recommendations[0].title: must not be empty or only whitespace",
    "recommendations[0].summary: expected string, got 1",
    'recommendations[0].severity: must be one of "low", "medium", "high", "critical", got "urgent"',
  ]);
});

Deno.test("reviewerResultJsonSchema() describes the contract as strict JSON Schema", () => {
  const schema = reviewerResultJsonSchema();
  assert.deepEqual(schema.type, "object");
  assert.deepEqual(schema.required, ["recommendations"]);
  assert.deepEqual(schema.additionalProperties, false);
  const recommendations = (schema.properties as Record<string, Record<string, unknown>>)
    .recommendations;
  assert.deepEqual(recommendations?.minItems, 1);
  const item = recommendations?.items as Record<string, unknown>;
  assert.deepEqual(item.required, ["title", "summary", "rationale"]);
  assert.deepEqual(item.additionalProperties, false);
});
