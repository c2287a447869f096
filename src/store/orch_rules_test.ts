import assert from "node:assert/strict";
import { type Fold, foldThreadEvent, isReady } from "./orch_rules.ts";
import type { AttemptStatus, StoredTaskStatus } from "./orch_types.ts";

const LIVE_ATTEMPTS: AttemptStatus[] = ["dispatched", "in_progress", "blocked", "verifying"];
const FINAL_ATTEMPTS: AttemptStatus[] = ["done", "failed", "cancelled"];

/** Every thread event type the inbox writes, with a payload as the inbox writes it. */
const THREAD_EVENTS: Array<[string, Record<string, unknown>]> = [
  ["thread_created", {}],
  ["thread_claimed", { agent: "w", lease_epoch: 1 }],
  ["lease_renewed", { agent: "w", lease_epoch: 1 }],
  ["thread_in_progress", { status: "in_progress", progress: 10 }],
  ["thread_blocked", { status: "blocked", question: "Which?" }],
  ["thread_verifying", { status: "verifying" }],
  ["thread_progress", { status: "in_progress", progress: 50 }],
  ["thread_progress", { status: "blocked" }],
  ["thread_progress", { status: "verifying" }],
  ["thread_replied", { status: "in_progress" }],
  ["thread_replied", { status: "blocked" }],
  ["thread_done", { message_id: 3 }],
  ["thread_failed", { message_id: 3 }],
  ["thread_cancelled", { message_id: 3 }],
  ["artifact_added", { artifact_id: 1 }],
];

Deno.test("isReady(): pending with every dependency done (or none) is ready", () => {
  assert.equal(isReady("pending", []), true);
  assert.equal(isReady("pending", ["done"]), true);
  assert.equal(isReady("pending", ["done", "done", "done"]), true);
});

Deno.test("isReady(): a dependency that is not done keeps the task waiting", () => {
  for (
    const dep of [
      "pending",
      "dispatched",
      "in_progress",
      "blocked",
      "verifying",
      "failed",
      "cancelled",
    ]
  ) {
    assert.equal(isReady("pending", [dep]), false, dep);
    assert.equal(isReady("pending", ["done", dep]), false, dep);
    assert.equal(isReady("pending", [dep, "done"]), false, dep);
  }
});

Deno.test("isReady(): only a pending task can be ready", () => {
  const others: StoredTaskStatus[] = [
    "dispatched",
    "in_progress",
    "blocked",
    "verifying",
    "done",
    "failed",
    "cancelled",
  ];
  for (const status of others) {
    assert.equal(isReady(status, []), false, status);
    assert.equal(isReady(status, ["done"]), false, status);
  }
});

Deno.test("foldThreadEvent(): each worker event moves a live attempt and its task", () => {
  const table: Array<[string, Record<string, unknown>, Fold | undefined]> = [
    ["thread_claimed", {}, { attempt: "in_progress", task: "in_progress", clearsStale: true }],
    [
      "thread_claimed",
      { status: "blocked" },
      { attempt: "blocked", task: "blocked", clearsStale: true },
    ],
    ["thread_in_progress", {}, {
      attempt: "in_progress",
      task: "in_progress",
      clearsStale: false,
    }],
    ["thread_blocked", { question: "Which?" }, {
      attempt: "blocked",
      task: "blocked",
      clearsStale: false,
    }],
    ["thread_verifying", {}, { attempt: "verifying", task: "verifying", clearsStale: false }],
    ["thread_progress", { status: "in_progress" }, {
      attempt: "in_progress",
      task: "in_progress",
      clearsStale: false,
    }],
    ["thread_progress", { status: "blocked" }, {
      attempt: "blocked",
      task: "blocked",
      clearsStale: false,
    }],
    ["thread_progress", { status: "verifying" }, {
      attempt: "verifying",
      task: "verifying",
      clearsStale: false,
    }],
    ["thread_replied", { status: "in_progress" }, {
      attempt: "in_progress",
      task: "in_progress",
      clearsStale: false,
    }],
    ["thread_replied", { status: "blocked" }, {
      attempt: "blocked",
      task: "blocked",
      clearsStale: false,
    }],
    ["thread_done", {}, { attempt: "done", task: "done", clearsStale: false }],
    ["thread_failed", {}, { attempt: "failed", task: "failed", clearsStale: false }],
    // The worker gave up: the attempt is over, the task needs the leader.
    ["thread_cancelled", {}, { attempt: "cancelled", task: "failed", clearsStale: false }],
  ];
  for (const attempt of LIVE_ATTEMPTS) {
    for (const [type, payload, expected] of table) {
      assert.deepEqual(
        foldThreadEvent(attempt, type, payload),
        expected,
        `${attempt} + ${type} ${JSON.stringify(payload)}`,
      );
    }
  }
});

Deno.test("foldThreadEvent(): creation, lease renewals and artifacts change nothing", () => {
  for (const attempt of LIVE_ATTEMPTS) {
    for (const type of ["thread_created", "lease_renewed", "artifact_added", "thread_unknown"]) {
      assert.equal(foldThreadEvent(attempt, type, {}), undefined, `${attempt} + ${type}`);
    }
  }
});

Deno.test("foldThreadEvent(): a progress or reply event without a live status changes nothing", () => {
  const payloads: Array<Record<string, unknown>> = [
    {},
    { status: "open" },
    { status: "claimed" },
    { status: "done" },
    { status: "failed" },
    { status: "cancelled" },
    { status: 7 },
    { status: null },
  ];
  for (const attempt of LIVE_ATTEMPTS) {
    for (const type of ["thread_progress", "thread_replied"]) {
      for (const payload of payloads) {
        assert.equal(
          foldThreadEvent(attempt, type, payload),
          undefined,
          `${attempt} + ${type} ${JSON.stringify(payload)}`,
        );
      }
    }
  }
});

Deno.test("foldThreadEvent(): a final attempt never changes, whatever the event", () => {
  for (const attempt of FINAL_ATTEMPTS) {
    for (const [type, payload] of THREAD_EVENTS) {
      assert.equal(foldThreadEvent(attempt, type, payload), undefined, `${attempt} + ${type}`);
    }
  }
});

Deno.test("foldThreadEvent(): only a claim clears staleness", () => {
  for (const attempt of LIVE_ATTEMPTS) {
    for (const [type, payload] of THREAD_EVENTS) {
      const fold = foldThreadEvent(attempt, type, payload);
      if (fold) assert.equal(fold.clearsStale, type === "thread_claimed", `${attempt} + ${type}`);
    }
  }
});
