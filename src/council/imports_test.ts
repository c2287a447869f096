import assert from "node:assert/strict";

/** Every module specifier reachable from `entry` through relative imports. */
async function reachableSpecifiers(entry: URL): Promise<Set<string>> {
  const seen = new Set<string>();
  const specifiers = new Set<string>();
  const queue = [entry];
  for (let url = queue.pop(); url !== undefined; url = queue.pop()) {
    if (seen.has(url.href)) continue;
    seen.add(url.href);
    const source = await Deno.readTextFile(url);
    for (const match of source.matchAll(/^\s*(?:import|export)\b[^;]*?from\s+"([^"]+)"/gm)) {
      const specifier = match[1] ?? "";
      specifiers.add(specifier);
      if (specifier.startsWith(".")) queue.push(new URL(specifier, url));
    }
  }
  return specifiers;
}

for (const entry of ["tally.ts", "report.ts"]) {
  Deno.test(`${entry} loads without zod, so read paths stay fast`, async () => {
    const specifiers = await reachableSpecifiers(new URL(`./${entry}`, import.meta.url));
    assert.ok(
      ![...specifiers].some((s) => s === "zod" || s.includes("npm:")),
      [...specifiers].join(),
    );
  });
}

Deno.test("contract.ts is where zod is loaded", async () => {
  const specifiers = await reachableSpecifiers(new URL("./contract.ts", import.meta.url));
  assert.ok(specifiers.has("zod"));
});
