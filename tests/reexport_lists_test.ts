/**
 * A module that re-exports types it also imports says the list once: no
 * `export type { A, B } from "m"` repeating names imported from "m" (use
 * `export type * from "m"` when the whole module is re-exported, as
 * src/store/inbox_store.ts does). One repeated name is allowed: that is a
 * single type passed through, not a list kept in two places.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const ROOT = new URL("..", import.meta.url).pathname;

/** `{ A, type B, C as D }` -> the imported/exported source names. */
function _names(list: string): string[] {
  return list.split(",").map((n) => n.trim().replace(/^type\s+/, "").split(/\s+as\s+/)[0]!)
    .filter(Boolean);
}

/** Names re-exported from a module that the same text also imports from it, by module. */
function repeatedLists(text: string): Map<string, string[]> {
  const imported = new Map<string, Set<string>>();
  for (const m of text.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s*from\s*"([^"]+)"/g)) {
    const set = imported.get(m[2]!) ?? new Set();
    for (const n of _names(m[1]!)) set.add(n);
    imported.set(m[2]!, set);
  }
  const found = new Map<string, string[]>();
  for (const m of text.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}\s*from\s*"([^"]+)"/g)) {
    const both = _names(m[1]!).filter((n) => imported.get(m[2]!)?.has(n));
    if (both.length > 1) found.set(m[2]!, both);
  }
  return found;
}

Deno.test("repeatedLists() finds a list imported and re-exported, not a single name", () => {
  const twice =
    `import type { A, B } from "./m.ts";\nexport type {\n  A,\n  B,\n} from "./m.ts";\n`;
  assert.deepEqual(repeatedLists(twice), new Map([["./m.ts", ["A", "B"]]]));
  assert.deepEqual(
    repeatedLists(`import type { A } from "./m.ts";\nexport type { A } from "./m.ts";\n`),
    new Map(),
  );
  assert.deepEqual(
    repeatedLists(`import type { A, B } from "./m.ts";\nexport type * from "./m.ts";\n`),
    new Map(),
  );
});

Deno.test("no module in src/ or scripts/ keeps a re-exported type list twice", () => {
  const offenders: string[] = [];
  for (const top of ["src", "scripts"]) {
    for (const rel of readdirSync(join(ROOT, top), { recursive: true }) as string[]) {
      if (!rel.endsWith(".ts") || rel.endsWith(".d.ts")) continue;
      const path = join(top, rel);
      for (const [from, names] of repeatedLists(readFileSync(join(ROOT, path), "utf8"))) {
        offenders.push(`${path}: ${names.join(", ")} from "${from}"`);
      }
    }
  }
  assert.deepEqual(offenders, []);
});
