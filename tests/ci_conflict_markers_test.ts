/**
 * .ci/conflict_markers (run by .ci/run, and by this test on the repository
 * itself): a tracked text file with a git conflict marker line fails the
 * check. Markers are built at run time so this file never holds one.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { git } from "./_git.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const SCRIPT = join(ROOT, ".ci/conflict_markers");
const OURS = "<".repeat(7);
const MIDDLE = "=".repeat(7);
const THEIRS = ">".repeat(7);

async function _check(repo?: string): Promise<{ code: number; out: string }> {
  const r = await new Deno.Command("bash", {
    args: [SCRIPT, ...(repo ? [repo] : [])],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: r.code, out: dec.decode(r.stdout) + dec.decode(r.stderr) };
}

/** A temp repository with `files` tracked. */
async function _repo(
  files: Record<string, string>,
): Promise<{ dir: string } & AsyncDisposable> {
  const dir = await Deno.makeTempDir({ prefix: "markers-test-" });
  await git(dir, "init", "-q");
  for (const [path, text] of Object.entries(files)) {
    await Deno.mkdir(join(dir, path, ".."), { recursive: true });
    await Deno.writeTextFile(join(dir, path), text);
  }
  await git(dir, "add", "-A");
  return { dir, [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }) };
}

Deno.test(".ci/conflict_markers: this repository's tracked text has no conflict marker", async () => {
  const r = await _check();
  assert.equal(r.code, 0, r.out);
});

Deno.test(".ci/conflict_markers: each marker form in a tracked file fails, naming the line", async () => {
  const cases: Array<[path: string, line: string]> = [
    ["docs/a.md", `${OURS} HEAD`],
    ["src/b.ts", MIDDLE],
    ["README.md", `${THEIRS} main`],
    ["skills/x/SKILL.md", `${OURS} ours`],
    ["tests/c_test.ts", MIDDLE],
    ["scripts/d.ts", `${THEIRS} theirs`],
  ];
  for (const [path, line] of cases) {
    await using repo = await _repo({ [path]: `before\n${line}\nafter\n` });
    const r = await _check(repo.dir);
    assert.equal(r.code, 1, `${path}: ${r.out}`);
    assert.ok(r.out.includes(`${path}:2:${line}`), r.out);
  }
});

Deno.test(".ci/conflict_markers: look-alikes and files outside the checked folders pass", async () => {
  await using repo = await _repo({
    "docs/a.md": `${MIDDLE}=\n ${MIDDLE}\n${OURS}no space\ntext ${THEIRS} x\n`,
    "other/b.md": `${OURS} HEAD\n${MIDDLE}\n${THEIRS} main\n`,
  });
  const r = await _check(repo.dir);
  assert.equal(r.code, 0, r.out);
  // Untracked files are not checked.
  await Deno.writeTextFile(join(repo.dir, "docs/untracked.md"), `${OURS} HEAD\n`);
  assert.equal((await _check(repo.dir)).code, 0);
});

Deno.test(".ci/run runs the conflict marker check", async () => {
  const run = await Deno.readTextFile(join(ROOT, ".ci/run"));
  assert.match(run, /^bash \.ci\/conflict_markers \|\| status=1$/m);
});
