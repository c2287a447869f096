import assert from "node:assert/strict";
import { titleTokens } from "./title_tokens.ts";

Deno.test("titleTokens() lowercases, strips punctuation, stopwords and simple plurals", () => {
  assert.deepEqual(titleTokens("Add retry on flaky network tests!"), [
    "add",
    "retry",
    "flaky",
    "network",
    "test",
  ]);
  assert.deepEqual(titleTokens("Retry the flaky-network TESTS"), [
    "retry",
    "flaky",
    "network",
    "test",
  ]);
});

Deno.test("titleTokens() folds Unicode accents and compatibility forms", () => {
  assert.deepEqual(titleTokens("Café ﬁle caches"), ["cafe", "file", "cache"]);
  assert.deepEqual(titleTokens("Don’t log secrets"), ["dont", "log", "secret"]);
});

Deno.test("titleTokens() keeps words whose plural rule would mangle them", () => {
  assert.deepEqual(titleTokens("Status class analysis bus"), [
    "status",
    "class",
    "analysis",
    "bus",
  ]);
  assert.deepEqual(titleTokens("Pin dependencies"), ["pin", "dependency"]);
});

Deno.test("titleTokens() keeps meaning-changing words and drops duplicates", () => {
  assert.deepEqual(titleTokens("Do not cache, no cache"), ["do", "not", "cache", "no"]);
});

Deno.test("titleTokens() falls back when a title has only stopwords or punctuation", () => {
  assert.deepEqual(titleTokens("The"), ["the"]);
  assert.deepEqual(titleTokens("?!"), ["?!"]);
  assert.deepEqual(titleTokens("   "), []);
});
