import assert from "node:assert/strict";

/** Every module specifier reachable from `entry` through static relative imports (type-only imports are erased, so skipped). */
async function reachableSpecifiers(entry: URL): Promise<Set<string>> {
  const seen = new Set<string>();
  const specifiers = new Set<string>();
  const queue = [entry];
  for (let url = queue.pop(); url !== undefined; url = queue.pop()) {
    if (seen.has(url.href)) continue;
    seen.add(url.href);
    const source = await Deno.readTextFile(url);
    for (
      const match of source.matchAll(/^\s*(?:import|export)\b(?!\s+type\b)[^;]*?from\s+"([^"]+)"/gm)
    ) {
      const specifier = match[1] ?? "";
      specifiers.add(specifier);
      if (specifier.startsWith(".")) queue.push(new URL(specifier, url));
    }
  }
  return specifiers;
}

const SDK = "@modelcontextprotocol/sdk";

for (const entry of ["../../inbox.ts", "../../orch.ts", "./commands.ts", "./tools.ts"]) {
  Deno.test(`${entry.replace(/^.*\//, "")} starts without the MCP SDK (only the mcp command loads it)`, async () => {
    const specifiers = await reachableSpecifiers(new URL(entry, import.meta.url));
    assert.ok(specifiers.size > 0);
    assert.ok(![...specifiers].some((s) => s.startsWith(SDK)), [...specifiers].join());
  });
}

Deno.test("server.ts is where the MCP SDK is loaded", async () => {
  const specifiers = await reachableSpecifiers(new URL("./server.ts", import.meta.url));
  assert.ok([...specifiers].some((s) => s.startsWith(SDK)));
});
