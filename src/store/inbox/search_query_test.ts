import assert from "node:assert/strict";
import { AppError } from "../../protocol/errors.ts";
import { ftsQuery, MAX_SEARCH_CHARS, MAX_SEARCH_TERMS } from "./search_query.ts";

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof AppError ? err.code : "NOT_APP_ERROR";
  }
  return undefined;
}

Deno.test("ftsQuery quotes every word so FTS5 operators are plain words", () => {
  assert.equal(ftsQuery("lease lost"), '"lease" "lost"');
  assert.equal(ftsQuery("a OR b NOT c"), '"a" "OR" "b" "NOT" "c"');
  assert.equal(ftsQuery("subject:foo NEAR(x y)"), '"subject:foo" "NEAR(x" "y)"');
  assert.equal(ftsQuery('say "hi"there'), '"say" "hi" "there"');
});

Deno.test("ftsQuery keeps quoted phrases together and tolerates an unclosed quote", () => {
  assert.equal(ftsQuery('"lease bug" renew'), '"lease bug" "renew"');
  assert.equal(ftsQuery('"lease bug'), '"lease bug"');
});

Deno.test("ftsQuery: a trailing * makes a bare word a prefix", () => {
  assert.equal(ftsQuery("rene*"), '"rene" *');
  assert.equal(ftsQuery("rene***"), '"rene" *');
  assert.equal(ftsQuery("*rene"), '"*rene"');
});

Deno.test("ftsQuery refuses queries with nothing to search, or too big, as INVALID_INPUT", () => {
  for (const q of ["", "   ", '"', '""', "***", "( ) : ^ -", "*"]) {
    assert.equal(code(() => ftsQuery(q)), "INVALID_INPUT", q);
  }
  assert.equal(code(() => ftsQuery("x ".repeat(MAX_SEARCH_TERMS + 1))), "INVALID_INPUT");
  assert.equal(code(() => ftsQuery("x".repeat(MAX_SEARCH_CHARS + 1))), "INVALID_INPUT");
  assert.equal(code(() => ftsQuery("x ".repeat(MAX_SEARCH_TERMS))), undefined);
});
