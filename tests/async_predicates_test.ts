/**
 * An async callback given to `filter`, `some`, `every`, `find`, `findIndex`
 * or `sort` is a bug: it returns a promise, always truthy, so `filter` keeps
 * everything (analysis_view.ts once stacked another repository's dependencies
 * this way). The type checker accepts it; this test does not. Await the
 * values first (`mapSeq`), then filter on them.
 */
import assert from "node:assert/strict";
import { join } from "node:path";

const ROOT = new URL("..", import.meta.url).pathname;
const PATTERN = /\.(filter|some|every|find|findIndex|findLast|sort)\(\s*async\b/;

async function* sources(dir: string): AsyncGenerator<string> {
  for await (const e of Deno.readDir(dir)) {
    const path = join(dir, e.name);
    if (e.isDirectory && e.name !== "vendor") yield* sources(path);
    else if (e.isFile && e.name.endsWith(".ts")) yield path;
  }
}

/** The `file:line` of each async predicate in `text`. */
export function asyncPredicates(file: string, text: string): string[] {
  return text.split("\n").flatMap((line, i) => PATTERN.test(line) ? [`${file}:${i + 1}`] : []);
}

Deno.test("the check finds an async predicate", () => {
  assert.deepEqual(asyncPredicates("x.ts", "ok\nconst k = all.filter(async (d) => await f(d));"), [
    "x.ts:2",
  ]);
  assert.deepEqual(
    asyncPredicates("x.ts", "const k = (await mapSeq(all, f)).filter((v) => v);"),
    [],
  );
});

Deno.test("no async predicate in src/, scripts/ or tests/", async () => {
  const found: string[] = [];
  let files = 0;
  for (const dir of ["src", "scripts", "tests"]) {
    for await (const path of sources(join(ROOT, dir))) {
      files++;
      if (path.endsWith("async_predicates_test.ts")) continue;
      found.push(...asyncPredicates(path.slice(ROOT.length), await Deno.readTextFile(path)));
    }
  }
  assert.ok(files > 100, `only ${files} files read`);
  assert.deepEqual(found, []);
});
