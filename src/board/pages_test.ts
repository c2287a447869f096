import assert from "node:assert/strict";
import type { Attempt } from "../store/orch_types.ts";
import { escapeHtml, html, raw } from "./html.ts";
import { landText, timeline } from "./pages.ts";

const ATTEMPT = {
  id: 1,
  run_id: "R",
  task_id: "T",
  n: 1,
  assigned_to: "w",
  thread_id: 1,
  execution_mode: "code",
  status: "done",
  stale: false,
  stale_at: null,
  repo_path: "/r",
  base_ref: "main",
  base_commit: "abc",
  branch_name: "b",
  worktree_path: "/w",
  workspace_status: "active",
  result: null,
  merge: null,
  start_commit: null,
  included_deps: [],
  holder: null,
  progress: null,
  lease_expires_at: null,
  created_at: "2026-01-01T00:00:00.000Z",
  updated_at: "2026-01-01T00:00:00.000Z",
} as Attempt;

Deno.test("landText: commits ahead, acceptance problems and merge, '-' before any", () => {
  assert.equal(landText(null), "-");
  assert.equal(landText(ATTEMPT), "-");
  const result = {
    status: "accepted",
    reason: null,
    head_commit: "def",
    commits_ahead: 2,
    files_changed: 3,
    verified_at: "x",
  } as const;
  assert.equal(landText({ ...ATTEMPT, result }), "2 ahead");
  assert.equal(
    landText({
      ...ATTEMPT,
      result: { ...result, status: "needs_attention", reason: "UNCOMMITTED_CHANGES" },
    }),
    "2 ahead, needs_attention (UNCOMMITTED_CHANGES)",
  );
  assert.equal(
    landText({
      ...ATTEMPT,
      result,
      merge: { status: "merged", commit: "f", into: "main", detail: null, at: "x" },
    }),
    "2 ahead, merged into main",
  );
});

Deno.test("html: interpolated worker text is escaped, raw() markup is not", () => {
  assert.equal(escapeHtml(`<script>"'&`), "&lt;script&gt;&quot;&#39;&amp;");
  assert.equal(html`<p>${"<b>"}${raw("<i>")}</p>`.value, "<p>&lt;b&gt;<i></p>");
});

Deno.test("timeline: message bodies, payloads and artifact names from workers are escaped", () => {
  const out = timeline([{
    attempt: ATTEMPT,
    thread: {
      id: 1,
      kind: "task",
      from_agent: "orch",
      to_agent: "w",
      subject: "s",
      status: "done",
      claimed_by: "w",
      lease_expires_at: null,
      lease_epoch: 1,
      progress: null,
      result_contract: null,
      run_id: "R",
      task_id: "T",
      attempt_id: 1,
      created_at: "x",
      updated_at: "x",
    },
    messages: [{
      id: 5,
      thread_id: 1,
      from_agent: "w",
      to_agent: "orch",
      type: "result",
      body: "<img src=x onerror=alert(1)>",
      payload: { html: "</pre><script>" },
      ts: "x",
      artifacts: [{
        id: 9,
        thread_id: 1,
        message_id: 5,
        name: '"><script>.txt',
        media_type: "text/html",
        size: 3,
        sha256: "0".repeat(64),
        created_at: "x",
      }],
    }],
  }]);
  assert.doesNotMatch(out, /<img|<script/);
  assert.match(out, /&lt;img src=x onerror=alert\(1\)&gt;/);
  assert.match(out, /href="\/artifact\/9" download="&quot;&gt;&lt;script&gt;\.txt"/);
});
