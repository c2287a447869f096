/**
 * scripts/mutants.json stays current (the slow `deno task mutants` itself
 * is not run by CI): every mutation still applies to exactly one place and
 * names test files that exist.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { applyMutation, failedTests, parseMutations } from "../scripts/mutants.ts";

const ROOT = new URL("..", import.meta.url).pathname;

Deno.test("mutants.json: every mutation applies once and names existing test files", async () => {
  const mutations = parseMutations(await Deno.readTextFile(join(ROOT, "scripts/mutants.json")));
  assert.ok(mutations.length >= 10);
  for (const m of mutations) {
    const source = await Deno.readTextFile(join(ROOT, m.file));
    assert.notEqual(applyMutation(source, m), source, m.id);
    for (const t of m.tests) {
      assert.ok((await Deno.stat(join(ROOT, t))).isFile, `${m.id}: no test file ${t}`);
      assert.match(t, /_test\.ts$/, `${m.id}: ${t} is not a test file`);
    }
  }
});

Deno.test("applyMutation(): replaces the one occurrence; refuses code that is gone or ambiguous", () => {
  const m = { id: "x", find: "a < b", replace: "a <= b" };
  assert.equal(applyMutation("if (a < b) go();", m), "if (a <= b) go();");
  assert.throws(() => applyMutation("if (a > b) go();", m), /no longer in the file/);
  assert.throws(() => applyMutation("a < b && a < b", m), /more than once/);
});

Deno.test("parseMutations(): refuses duplicate ids, missing tests and no-op replacements", () => {
  const one = {
    id: "x",
    guarantee: "g",
    file: "f.ts",
    find: "a",
    replace: "b",
    tests: ["t_test.ts"],
  };
  assert.equal(parseMutations(JSON.stringify([one])).length, 1);
  assert.throws(() => parseMutations(JSON.stringify([one, one])), /appears twice/);
  assert.throws(() => parseMutations(JSON.stringify([{ ...one, tests: [] }])), /"tests"/);
  assert.throws(() => parseMutations(JSON.stringify([{ ...one, replace: "a" }])), /equals "find"/);
  assert.throws(() => parseMutations("{}"), /expected an array/);
});

Deno.test("failedTests(): reads the failed test names from deno test output", () => {
  const output = [
    "running 2 tests from ./tests/x_test.ts",
    "first one ... ok (3ms)",
    "second one ... FAILED (5ms)",
    " ERRORS ",
    "second one => ./tests/x_test.ts:10:6",
  ].join("\n");
  assert.deepEqual(failedTests(output), ["second one"]);
  const slow = [
    "slow one ...'slow one' has been running for over (1m0s)",
    " FAILED (1m1s)",
    " FAILURES ",
    "slow one => ./tests/x_test.ts:114:6",
    "FAILED | 0 passed | 1 failed",
  ].join("\n");
  assert.deepEqual(failedTests(slow), ["slow one"]);
});
