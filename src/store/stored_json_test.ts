import assert from "node:assert/strict";
import { AppError } from "../protocol/errors.ts";
import { parseStoredJson, toStoredJson } from "./stored_json.ts";

function nested(depth: number): unknown {
  let v: unknown = {};
  for (let i = 1; i < depth; i++) v = { k: v };
  return v;
}

function assertInvalid(fn: () => unknown, message: RegExp): void {
  assert.throws(
    fn,
    (err) => err instanceof AppError && err.code === "INVALID_INPUT" && message.test(err.message),
  );
}

Deno.test("toStoredJson() stores up to 64 levels and refuses 65 with INVALID_INPUT", () => {
  assert.equal(toStoredJson(undefined, "payload"), null);
  assert.equal(toStoredJson({ a: [1] }, "payload"), '{"a":[1]}');
  assert.ok(toStoredJson(nested(64), "payload"));
  assertInvalid(
    () => toStoredJson(nested(65), "payload"),
    /^The payload is nested more than 64 levels deep$/,
  );
});

Deno.test("toStoredJson() refuses JSON text over 1 MiB with INVALID_INPUT", () => {
  assert.ok(toStoredJson({ s: "x".repeat(1024 * 1024 - 10) }, "payload"));
  assertInvalid(
    () => toStoredJson({ s: "x".repeat(1024 * 1024) }, "acceptance criteria"),
    /^The acceptance criteria is 1048584 bytes of JSON: the limit is 1048576$/,
  );
});

Deno.test("parseStoredJson() reads malformed or over-1000-deep text as null, like SQLite's json_valid", () => {
  assert.deepEqual(parseStoredJson('{"a":1}'), { a: 1 });
  assert.equal(parseStoredJson(null), null);
  assert.equal(parseStoredJson("{bad"), null);
  assert.ok(parseStoredJson(JSON.stringify(nested(1000))));
  assert.equal(parseStoredJson(JSON.stringify(nested(1001))), null);
});
