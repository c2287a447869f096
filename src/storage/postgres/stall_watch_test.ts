import assert from "node:assert/strict";
import { STALL_MS, stalledSince, watchStalls } from "./stall_watch.ts";

/** Keeps the event loop from running (as SIGSTOP keeps the whole process) for `ms`. */
function _block(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // busy: no timer of this process runs meanwhile
  }
}

Deno.test("stalledSince: a process whose timers could not run for longer than STALL_MS was stalled", async () => {
  const stop = watchStalls();
  try {
    const before = performance.now();
    _block(STALL_MS + 100);
    assert.equal(stalledSince(before), true, "seen while resuming, before the watch ticks");
    // After the watch's late tick the stall is remembered, for attempts begun before it only.
    await new Promise((r) => setTimeout(r, 0));
    const after = performance.now() + 1;
    await new Promise((r) => setTimeout(r, 0));
    assert.equal(stalledSince(before), true);
    assert.equal(stalledSince(after), false, "an attempt begun after the stall did not see it");
  } finally {
    stop();
  }
});

Deno.test("stalledSince: without a store open nothing is watched", () => {
  const stop = watchStalls();
  stop();
  stop(); // idempotent
  const before = performance.now();
  _block(STALL_MS + 100);
  assert.equal(stalledSince(before), false);
});
