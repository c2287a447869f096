import assert from "node:assert/strict";
import { boundedText, EVENT_TEXT_MAX } from "./worker_event_fields.ts";

Deno.test("boundedText(): short text as it is, long text cut at the bound, never inside a surrogate pair", () => {
  assert.deepEqual(boundedText("abc"), { text: "abc", truncated: false });
  const long = "y".repeat(EVENT_TEXT_MAX + 5);
  assert.deepEqual(boundedText(long), { text: "y".repeat(EVENT_TEXT_MAX), truncated: true });
  assert.deepEqual(boundedText("ab😀c", 3), { text: "ab", truncated: true });
  assert.deepEqual(boundedText("ab😀c", 4), { text: "ab😀", truncated: true });
});
