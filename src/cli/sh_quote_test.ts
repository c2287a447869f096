import assert from "node:assert/strict";
import { shQuote } from "./sh_quote.ts";

Deno.test("shQuote() leaves safe words alone and single-quotes the rest", () => {
  assert.equal(shQuote("/tmp/coord.db"), "/tmp/coord.db");
  assert.equal(shQuote("a b"), "'a b'");
  assert.equal(shQuote("it's"), `'it'\\''s'`);
  assert.equal(shQuote(""), "''");
  assert.equal(shQuote("-"), "-");
});

Deno.test("shQuote(): sh reads every quoted value back as exactly one word", async () => {
  const values = [
    "my dir/co ord.db",
    "it's",
    '"q"',
    "$HOME",
    "`id`",
    "a\nb",
    "*",
    "x;y|z&",
    "\\",
    "é 😀",
  ];
  const script = `for a in ${values.map(shQuote).join(" ")}; do printf '%s\\0' "$a"; done`;
  const out = await new Deno.Command("sh", { args: ["-c", script], stdout: "piped" }).output();
  assert.deepEqual(new TextDecoder().decode(out.stdout).split("\0").slice(0, -1), values);
});
