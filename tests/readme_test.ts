import assert from "node:assert/strict";
import { join } from "node:path";

const ROOT = new URL("..", import.meta.url).pathname;
const README = await Deno.readTextFile(join(ROOT, "README.md"));

/** The lines of the first ```sh block after `heading`, without comments and blanks. */
function shBlockAfter(heading: string, nth = 0): string[] {
  const section = README.slice(README.indexOf(heading));
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  return blocks[nth]!.split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
}

async function sh(command: string, cwd: string, env: Record<string, string>) {
  const out = await new Deno.Command("bash", {
    args: ["-c", command],
    cwd,
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

/**
 * Runs `lines` one after another in a single bash process started in `cwd`, each line's output
 * and exit status kept apart (in a directory outside `cwd`, so the repository stays clean).
 */
async function inOneShell(lines: string[], cwd: string, env: Record<string, string>) {
  const outDir = await Deno.makeTempDir({ prefix: "coord-readme-out-" });
  try {
    const script = lines.map((line, i) => {
      const base = join(outDir, String(i));
      return `{ ${line}\n} >'${base}.out' 2>'${base}.err'; echo $? >'${base}.rc'`;
    }).join("\n");
    const r = await sh(script, cwd, env);
    assert.equal(r.code, 0, r.stderr);
    return await Promise.all(lines.map(async (_, i) => {
      const base = join(outDir, String(i));
      const rc = await Deno.readTextFile(`${base}.rc`).catch(() => "");
      return {
        code: rc === "" ? -1 : Number(rc.trim()),
        stdout: await Deno.readTextFile(`${base}.out`).catch(() => ""),
        stderr: await Deno.readTextFile(`${base}.err`).catch(() => ""),
      };
    }));
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
}

Deno.test("README: names the two commands, deno task demo and deno task test", () => {
  assert.match(README, /deno task demo/);
  assert.match(README, /deno task test/);
  const tasks = JSON.parse(Deno.readTextFileSync(join(ROOT, "deno.json"))).tasks;
  assert.ok(tasks.demo && tasks.test);
});

Deno.test("README: the leader and worker session, then the council, run as written", async () => {
  const dir = await Deno.makeTempDir({ prefix: "coord-readme-" });
  try {
    // The PATH line as the README gives it, run from the project root.
    const [pathLine] = shBlockAfter("## The leader and worker loops", 0);
    assert.match(pathLine!, /^export PATH=/);
    const path =
      (await sh(`${pathLine}; printf %s "$PATH"`, ROOT, { PATH: Deno.env.get("PATH") ?? "" }))
        .stdout;
    const env = { PATH: path, HOME: dir, NO_COLOR: "1" };
    for (
      const c of [
        "git init -q -b main",
        "git config user.email readme@example.com",
        "git config user.name Readme",
        "echo '# app' > README.md && git add README.md && git commit -q -m init",
      ]
    ) assert.equal((await sh(c, dir, env)).code, 0);
    const lines = shBlockAfter("## The leader and worker loops", 1);
    assert.ok(lines.length > 10);
    // One shell for the whole block, as a reader pastes it: a `cd` stays in effect for the
    // lines after it. The council block continues the same session.
    const all = [...lines, ...shBlockAfter("## Council", 0)];
    for (const [i, r] of (await inOneShell(all, dir, env)).entries()) {
      const line = all[i]!;
      assert.equal(r.code, 0, `${line}\nexit ${r.code}\n${r.stdout}${r.stderr}`);
      if (line.includes("--json") && !line.includes(">")) {
        assert.equal(JSON.parse(r.stdout).ok, true, line);
      }
    }
    const tally = JSON.parse(
      (await sh("orch --db coord.db --json council tally --run council_001", dir, env)).stdout,
    );
    assert.deepEqual(tally.tally.consensus[0].reviewers, [
      "reviewer-1",
      "reviewer-2",
      "reviewer-3",
    ]);
    assert.match(await Deno.readTextFile(join(dir, "report.md")), /## Consensus/);
    const brief = await Deno.readTextFile(join(dir, "t1-brief.txt"));
    assert.match(brief, /claim --agent builder --thread 1/);
    // The graph section's command prints the Mermaid block shown under it.
    const [graphLine] = shBlockAfter("## Dependency graph", 0);
    const graphSection = README.slice(README.indexOf("## Dependency graph"));
    const shown = graphSection.match(/```mermaid\n([\s\S]*?)```/)![1];
    const graph = await sh(graphLine!, dir, env);
    assert.equal(graph.code, 0, graph.stderr);
    assert.equal(graph.stdout, shown);
    const ready = await sh("orch --db coord.db --json ready --run demo", dir, env);
    assert.deepEqual(JSON.parse(ready.stdout).tasks.map((t: { id: string }) => t.id), ["T2"]);
    // The merge step put T1's commit on main, and the checkout (main) was brought along.
    assert.equal((await sh("git show main:app.toml", dir, env)).stdout, 'db = "app.sqlite"\n');
    assert.equal(await Deno.readTextFile(join(dir, "app.toml")), 'db = "app.sqlite"\n');
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
