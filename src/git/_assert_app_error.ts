import assert from "node:assert/strict";
import { AppError } from "../protocol/errors.ts";

/** Asserts that `fn` throws an {@linkcode AppError} with `code`, and returns it. */
export function assertAppError(fn: () => unknown, code: string): AppError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof AppError, `expected AppError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  return caught;
}
