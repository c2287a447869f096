import assert from "node:assert/strict";
import { AppError } from "../protocol/errors.ts";
import { wordError } from "./error_wording.ts";

Deno.test("wordError() words a known reason with the flag, keeping code and details", () => {
  const details = { reason: "worktree_dirty", repo: "/r", path: "/r/w", force: false };
  const err = wordError(new AppError("WORKTREE_DIRTY", "neutral", details), "orch");
  assert.equal(err.code, "WORKTREE_DIRTY");
  assert.equal(err.message, 'Worktree "/r/w" has uncommitted changes: commit them or pass --force');
  assert.deepEqual(err.details, details);
});

Deno.test("wordError() names the program's token variable", () => {
  const err = new AppError("FORBIDDEN", "neutral", { reason: "token_missing" });
  assert.match(wordError(err, "inbox").message, /set INBOX_TOKEN$/);
  assert.match(wordError(err, "orch").message, /set ORCH_TOKEN$/);
});

Deno.test("wordError() leaves an error without a worded reason as it is", () => {
  for (const details of [{}, { reason: "disk_full" }, { reason: "constructor" }, { reason: 1 }]) {
    const err = new AppError("STORAGE_ERROR", "as thrown", details);
    assert.equal(wordError(err, "orch"), err);
  }
});
