import assert from "node:assert/strict";
import type { AttemptInspection } from "../orch_types.ts";
import { attentionMessage, judgeAttempt } from "./accept_rules.ts";

const clean: AttemptInspection = {
  worktree: "clean",
  dirty_paths: [],
  on_branch: true,
  head_commit: "a".repeat(40),
  commits_ahead: 2,
  files_changed: 3,
};

Deno.test("judgeAttempt: clean with commits is accepted", () => {
  assert.deepEqual(judgeAttempt(clean, false), { status: "accepted", reason: null });
  // Commits count as a result even when the worker said no change was needed.
  assert.deepEqual(judgeAttempt(clean, true), { status: "accepted", reason: null });
});

Deno.test("judgeAttempt: uncommitted work comes first, even with commits or --no-changes", () => {
  const dirty = { ...clean, worktree: "dirty" as const };
  assert.deepEqual(judgeAttempt(dirty, false), {
    status: "needs_attention",
    reason: "UNCOMMITTED_CHANGES",
  });
  assert.equal(judgeAttempt({ ...dirty, commits_ahead: 0 }, true).reason, "UNCOMMITTED_CHANGES");
});

Deno.test("judgeAttempt: no commits needs attention unless the worker said no change was needed", () => {
  const none = { ...clean, commits_ahead: 0, files_changed: 0 };
  assert.deepEqual(judgeAttempt(none, false), { status: "needs_attention", reason: "NO_COMMITS" });
  assert.deepEqual(judgeAttempt(none, true), { status: "no_changes", reason: null });
});

Deno.test("judgeAttempt: a missing branch or a switched worktree needs attention", () => {
  assert.equal(judgeAttempt({ ...clean, head_commit: null }, false).reason, "BRANCH_MISSING");
  assert.equal(judgeAttempt({ ...clean, on_branch: false }, true).reason, "WRONG_BRANCH");
  // A removed worktree has nothing uncommitted left: the branch decides.
  assert.equal(judgeAttempt({ ...clean, worktree: "missing" }, false).status, "accepted");
});

Deno.test("attentionMessage names the worktree and the way out", () => {
  assert.match(attentionMessage("UNCOMMITTED_CHANGES", "/w/t"), /"\/w\/t".*commit them/);
  assert.match(attentionMessage("NO_COMMITS", null), /--no-changes/);
  assert.match(attentionMessage("NO_COMMITS", null), /"orch collect"/);
});
