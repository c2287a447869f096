import assert from "node:assert/strict";
import { jsonDepth } from "./json_bounds.ts";

function nested(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { k: v };
  return v;
}

Deno.test("jsonDepth() counts nested arrays and objects, scalars are 0", () => {
  assert.equal(jsonDepth(1), 0);
  assert.equal(jsonDepth(null), 0);
  assert.equal(jsonDepth({}), 1);
  assert.equal(jsonDepth({ a: [1, { b: [] }], c: 2 }), 4);
  assert.equal(jsonDepth(nested(64)), 64);
});

Deno.test("jsonDepth() handles 100,000 levels without overflowing the stack", () => {
  assert.equal(jsonDepth(nested(100_000)), 100_000);
});

Deno.test("jsonDepth() stops counting once past stopAbove", () => {
  assert.equal(jsonDepth(nested(1000), 64), 65);
});
