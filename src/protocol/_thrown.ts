/**
 * Test helper: what `fn` throws (an Error, as the tests of error handling
 * expect); fails the test when it returns instead. Not used by the programs.
 *
 * @module
 */
import assert from "node:assert/strict";

/** The Error `fn` throws; the test fails when `fn` returns or throws something else. */
export function thrown(fn: () => unknown): Error & { errcode?: number } {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof Error, String(err));
    return err;
  }
  assert.fail("expected a throw");
}
