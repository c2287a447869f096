/**
 * The vendored stricli (src/vendor/stricli/, loaded from the repository to keep
 * npm resolution out of every command's start-up) is the published package,
 * unchanged: every export's source text equals `npm:@stricli/core@1.3.0`'s,
 * and both files hash to the published `dist/` files (after the one line
 * added at the top of each: `@ts-self-types`, `@ts-nocheck`).
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as vendored from "@stricli/core";
// The published package itself, on purpose: the import map now names the vendored copy.
// deno-lint-ignore no-import-prefix
import * as published from "npm:@stricli/core@1.3.0";

const DIR = new URL("../src/vendor/stricli/", import.meta.url);
/** sha256 of the published package's dist/index.js and dist/index.d.ts (1.3.0). */
const PUBLISHED_SHA256 = {
  "index.js": "188a055507401939c756ef641ccb818867e7bb616e1a68a5bd4855d7ae1f0a4e",
  "index.d.ts": "cabb91d97ca20d4d677ea2354e853a0344a0302b90a976c3a81e17d4e5f4e074",
};
const TYPES_LINE = '// @ts-self-types="./index.d.ts"\n';
const NOCHECK_LINE =
  "// @ts-nocheck: checked by its authors under their compiler options, not ours (exactOptionalPropertyTypes)\n";

/** A value as text, functions by their source (to compare two copies of a module's exports). */
function source(v: unknown): string {
  return JSON.stringify(v, (_k, x) => typeof x === "function" ? `fn:${String(x)}` : x) ??
    `fn:${String(v)}`;
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

Deno.test("vendored stricli exports the published package's code, export by export", () => {
  const names = Object.keys(published).sort();
  assert.ok(names.length > 10, `the package exported only ${names}`);
  assert.deepEqual(Object.keys(vendored).sort(), names);
  for (const name of names) {
    const a = (vendored as Record<string, unknown>)[name];
    const b = (published as Record<string, unknown>)[name];
    assert.equal(typeof a, typeof b, name);
    assert.equal(source(a), source(b), name);
  }
});

Deno.test("vendored stricli files are the published dist files plus one line each", async () => {
  const js = await Deno.readTextFile(new URL("index.js", DIR));
  assert.ok(js.startsWith(TYPES_LINE), "index.js starts with the @ts-self-types line");
  assert.equal(sha256(js.slice(TYPES_LINE.length)), PUBLISHED_SHA256["index.js"]);
  const dts = await Deno.readTextFile(new URL("index.d.ts", DIR));
  assert.ok(dts.startsWith(NOCHECK_LINE), "index.d.ts starts with the @ts-nocheck line");
  assert.equal(sha256(dts.slice(NOCHECK_LINE.length)), PUBLISHED_SHA256["index.d.ts"]);
});
