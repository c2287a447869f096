import assert from "node:assert/strict";
import { AppError } from "../protocol/errors.ts";
import { requireText } from "./require_text.ts";

Deno.test("requireText() accepts any text without NUL, refuses a NUL with INVALID_INPUT and its offset", () => {
  requireText(undefined, "body");
  requireText("a\x01\x7f\u2028😀", "body");
  assert.throws(
    () => requireText("ab\0c", "message body"),
    (err) =>
      err instanceof AppError && err.code === "INVALID_INPUT" && err.details["offset"] === 2 &&
      /^The message body contains a NUL byte \(at character 2\)/.test(err.message),
  );
});
