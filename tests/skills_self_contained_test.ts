/**
 * Skill folders are self-contained (issue 11 item 10): every markdown file
 * they point an agent to lives in the skills folder, not elsewhere in the
 * repository (an installed skill has no docs/ beside it).
 */
import assert from "node:assert/strict";
import { dirname, join, relative, resolve } from "node:path";

const SKILLS = resolve(new URL("../skills", import.meta.url).pathname);
/** Files of the user's repository that skills mention on purpose (not ours to ship). */
const USER_REPO_FILES = new Set(["AGENTS.md"]);

async function* _markdown(dir: string): AsyncGenerator<string> {
  for await (const e of Deno.readDir(dir)) {
    const p = join(dir, e.name);
    if (e.isDirectory && e.name !== "bin") yield* _markdown(p);
    else if (e.isFile && e.name.endsWith(".md")) yield p;
  }
}

/** Markdown paths a doc sends its reader to: link targets and `...md` in inline code, prose only. */
export function referencedDocs(text: string): string[] {
  const prose = text.replace(/^```[\s\S]*?^```/gm, "");
  const links = [...prose.matchAll(/\]\(([^)#\s]+\.md)(#[^)]*)?\)/g)].map((m) => m[1]!);
  const code = [...prose.matchAll(/`([\w./-]+\.md)`/g)].map((m) => m[1]!);
  return [...links, ...code].filter((p) => !/^[a-z]+:\/\//.test(p));
}

Deno.test("referencedDocs() finds links and inline paths, not fenced examples", () => {
  const text = "See [rules](references/grouping.md) and `docs/council.md`.\n" +
    '```json\n{"summary": "docs/protocol.md"}\n```\n';
  assert.deepEqual(referencedDocs(text), ["references/grouping.md", "docs/council.md"]);
});

Deno.test("every markdown file a skill points to is inside the skills folder", async () => {
  const outside: string[] = [];
  for await (const file of _markdown(SKILLS)) {
    for (const ref of referencedDocs(await Deno.readTextFile(file))) {
      if (USER_REPO_FILES.has(ref)) continue;
      const target = ref.startsWith("skills/")
        ? resolve(SKILLS, "..", ref)
        : resolve(dirname(file), ref);
      const inside = !relative(SKILLS, target).startsWith("..");
      let exists = false;
      try {
        exists = (await Deno.stat(target)).isFile;
      } catch { /* missing */ }
      if (!inside || !exists) outside.push(`${relative(SKILLS, file)} -> ${ref}`);
    }
  }
  assert.deepEqual(outside, []);
});
