import assert from "node:assert/strict";
import { join, relative, resolve } from "node:path";
import { AppError } from "../protocol/errors.ts";
import { branchNameFor, sanitizeSegment, worktreePathFor } from "./names.ts";
import { runGit } from "./run_git.ts";

const HOSTILE = [
  "",
  ".",
  "..",
  "../../etc",
  "--upload-pack=x",
  "-",
  "a b/c",
  "a/../b",
  "tâche-🚀",
  "日本語",
  "x.lock",
  "x.",
  ".hidden",
  "a..b",
  "@",
  "@{-1}",
  "refs/heads/main",
  "a\nb",
  "a\0b",
  "HEAD",
  "x".repeat(500),
  "~^:?*[\\",
];

const SAFE_SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

function assertSafeSegment(seg: string, input: string): void {
  const where = `for input ${JSON.stringify(input)} got ${JSON.stringify(seg)}`;
  assert.match(seg, SAFE_SEGMENT, where);
  assert.ok(!seg.includes(".."), where);
  assert.ok(!seg.endsWith(".lock"), where);
  assert.ok(!seg.endsWith("."), where);
  assert.ok(seg.length >= 1 && seg.length <= 64, where);
}

Deno.test("sanitizeSegment() keeps ids that are already safe", () => {
  for (const id of ["run-1", "T2", "task_3.b", "01HZX9", "a-b", "v1.2.3", "x".repeat(64)]) {
    assert.equal(sanitizeSegment(id), id);
  }
});

Deno.test("sanitizeSegment() turns hostile ids into safe segments", () => {
  for (const id of HOSTILE) assertSafeSegment(sanitizeSegment(id), id);
});

Deno.test("sanitizeSegment() rewrites with a readable prefix and a hash", () => {
  const table: [string, RegExp][] = [
    ["a b/c", /^a-b-c-[0-9a-f]{8}$/],
    ["../../etc", /^etc-[0-9a-f]{8}$/],
    ["--upload-pack=x", /^upload-pack-x-[0-9a-f]{8}$/],
    ["x.lock", /^x.lock-[0-9a-f]{8}$/],
    ["a..b", /^a.b-[0-9a-f]{8}$/],
    ["", /^[0-9a-f]{8}$/],
    ["日本語", /^[0-9a-f]{8}$/],
    ["x".repeat(65), /^x{48}-[0-9a-f]{8}$/],
  ];
  for (const [input, expected] of table) assert.match(sanitizeSegment(input), expected, input);
});

Deno.test("sanitizeSegment() gives different ids different segments", () => {
  const inputs = [...HOSTILE, "a-b", "a b", "a/b", "a_b", "A B", "x".repeat(501)];
  const out = inputs.map(sanitizeSegment);
  assert.equal(new Set(out).size, inputs.length);
});

Deno.test("sanitizeSegment() never gives a verbatim id the name of another id's rewrite", () => {
  const rewritten = sanitizeSegment("V.");
  assert.match(rewritten, /^V-[0-9a-f]{8}$/);
  assert.notEqual(sanitizeSegment(rewritten), rewritten);
  assert.match(sanitizeSegment(rewritten), new RegExp(`^${rewritten}-[0-9a-f]{8}$`));
  assert.equal(sanitizeSegment("V-82fa79c"), "V-82fa79c");
  assert.equal(sanitizeSegment("V-82FA79C5"), "V-82FA79C5");
});

Deno.test("branchNameFor() builds orch/<db>/<run>/<task>/attempt-<n>", () => {
  assert.equal(
    branchNameFor({ databaseId: "d1", runId: "r1", taskId: "T2", attemptNumber: 3 }),
    "orch/d1/r1/T2/attempt-3",
  );
  assert.match(
    branchNameFor({
      databaseId: "d1",
      runId: "../../etc",
      taskId: "--upload-pack=x",
      attemptNumber: 1,
    }),
    /^orch\/d1\/etc-[0-9a-f]{8}\/upload-pack-x-[0-9a-f]{8}\/attempt-1$/,
  );
});

Deno.test("branchNameFor() gives names git accepts for hostile ids", () => {
  const dir = Deno.makeTempDirSync();
  try {
    for (const runId of HOSTILE) {
      const branch = branchNameFor({ databaseId: runId, runId, taskId: runId, attemptNumber: 0 });
      const out = runGit(["check-ref-format", `refs/heads/${branch}`], {
        cwd: dir,
        allowCodes: [1],
      });
      assert.equal(out.code, 0, `git rejected ${JSON.stringify(branch)}`);
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("branchNameFor() rejects an attempt number that is not a non-negative integer", () => {
  for (const attemptNumber of [-1, 1.5, NaN, Infinity]) {
    assert.throws(
      () => branchNameFor({ databaseId: "d", runId: "r", taskId: "t", attemptNumber }),
      (err) => err instanceof AppError && err.code === "WORKSPACE_ERROR",
    );
  }
});

Deno.test("worktreePathFor() builds <root>/<db>/<run>/<task>/attempt-<n>", () => {
  assert.equal(
    worktreePathFor("/ws/root", { databaseId: "d", runId: "r1", taskId: "T2", attemptNumber: 3 }),
    join("/ws/root", "d", "r1", "T2", "attempt-3"),
  );
  assert.equal(
    worktreePathFor("rel/root", { databaseId: "d", runId: "r", taskId: "t", attemptNumber: 1 }),
    resolve("rel/root/d/r/t/attempt-1"),
  );
});

Deno.test("worktreePathFor() stays four levels inside the root for hostile ids", () => {
  const root = "/ws/root";
  for (const runId of HOSTILE) {
    for (const taskId of ["..", "../../etc", "a b/c", runId]) {
      const path = worktreePathFor(root, { databaseId: runId, runId, taskId, attemptNumber: 7 });
      const parts = relative(root, path).split("/");
      assert.equal(parts.length, 4, path);
      assert.equal(parts[3], "attempt-7");
      for (const part of parts) assertSafeSegment(part, runId);
    }
  }
});
