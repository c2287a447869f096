/**
 * `orch brief` quotes every path and value in the command lines it renders:
 * a database, inbox program and worktree under a directory whose name holds
 * spaces, quotes and `$` still work when the worker runs the lines with sh.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { inbox, ok, orch } from "./_cli.ts";
import { initRepo } from "./_git.ts";
import { type Json, orchIn, seedRun } from "./_orch.ts";

const ROOT = new URL("..", import.meta.url).pathname;

/** The command lines of the brief's ```sh blocks. */
function _shLines(brief: string): string[] {
  return [...brief.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) =>
    m[1]!.split("\n").map((l) => l.trim()).filter(Boolean)
  );
}

async function _sh(
  line: string,
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command("sh", {
    args: ["-c", line],
    cwd,
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  const d = new TextDecoder();
  return { code: out.code, stdout: d.decode(out.stdout), stderr: d.decode(out.stderr) };
}

Deno.test("orch brief: command lines work under a path with spaces, quotes and $", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "brief-quote-" }));
  try {
    const odd = join(dir, `my dir 'q' "d" $HOME \`x\``);
    const db = join(odd, "co ord.db");
    const repo = join(odd, "re po");
    await Deno.mkdir(odd);
    await initRepo(repo);
    await ok(inbox(db, "init"));
    const inboxCmd = join(odd, "in $box", "inbox");
    await Deno.mkdir(join(odd, "in $box"));
    await Deno.writeTextFile(inboxCmd, `#!/bin/sh\nexec "${ROOT}skills/inbox/assets/inbox" "$@"\n`);
    await Deno.chmod(inboxCmd, 0o755);
    await seedRun(db, "R", { A: "wa", B: "wb" });

    const analysis = await ok(
      orch(db, "dispatch", "--run", "R", "--task", "A", "--execution-mode", "analysis"),
    );
    const saved = join(odd, "a.json");
    await Deno.writeTextFile(saved, JSON.stringify(analysis));
    const brief = String(
      (await ok(orch(db, "brief", "--dispatch-json", saved, "--inbox-cmd", inboxCmd)))["brief"],
    );
    const lines = _shLines(brief);
    const show = lines.find((l) => l.includes(" show "))!;
    const claim = lines.find((l) => l.includes(" claim "))!;
    for (const line of [show, claim]) {
      const r = await _sh(line, dir);
      assert.equal(r.code, 0, `${line}\n${r.stdout}${r.stderr}`);
      assert.equal(JSON.parse(r.stdout).ok, true, r.stdout);
    }
    const thread = (analysis["attempt"] as Json)["thread_id"];
    const t = await ok(inbox(db, "show", "--thread", String(thread)));
    assert.equal((t["thread"] as Json)["claimed_by"], "wa");

    const code = await ok(
      orchIn(repo, db, "dispatch", "--run", "R", "--task", "B", "--execution-mode", "code"),
    );
    await Deno.writeTextFile(saved, JSON.stringify(code));
    const codeBrief = String(
      (await ok(orch(db, "brief", "--dispatch-json", saved, "--inbox-cmd", inboxCmd)))["brief"],
    );
    const cd = codeBrief.match(/Run `(cd .*?)` before/)![1]!;
    const r = await _sh(`${cd} && pwd`, dir);
    assert.equal(r.code, 0, `${cd}\n${r.stderr}`);
    assert.equal(r.stdout.trim(), (code["attempt"] as Json)["worktree_path"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
