import assert from "node:assert/strict";
import { join } from "node:path";
import { compileArgs } from "../scripts/compile.ts";
import { LAUNCHERS, launcherScript } from "../scripts/skills_build.ts";
import { binaryName, hostTarget } from "../scripts/targets.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const decode = (b: Uint8Array) => new TextDecoder().decode(b);

/**
 * Compiles both programs for the host into a temp dir once. Where the
 * runtime download is impossible (no network, no DENORT_BIN), the
 * compiled-binary test is skipped with that reason.
 */
const built = await (async () => {
  const host = hostTarget();
  if (!host) return { skip: `host ${Deno.build.target} is not a build target` };
  const dir = await Deno.makeTempDir({ prefix: "coord-compile-" });
  for (const program of ["inbox", "orch"] as const) {
    const out = await new Deno.Command(Deno.execPath(), {
      args: compileArgs(program, host, dir),
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (out.code !== 0) {
      await Deno.remove(dir, { recursive: true });
      const err = decode(out.stderr);
      return {
        skip: /dns error|error sending request|failed to lookup|Connect/i.test(err)
          ? "deno compile cannot download its runtime here (no network, no DENORT_BIN)"
          : `deno compile failed: ${err.trim().split("\n")[0]}`,
      };
    }
  }
  return { dir, host };
})();

Deno.test({
  name: `compiled binaries: inbox and orch run with their baked-in permissions${
    "skip" in built ? ` (skipped: ${built.skip})` : ""
  }`,
  ignore: "skip" in built,
  async fn() {
    if ("skip" in built) return;
    const { dir, host } = built;
    try {
      const inbox = join(dir, binaryName("inbox", host));
      const orch = join(dir, binaryName("orch", host));
      const db = join(dir, "coord.db");
      const run = async (bin: string, ...args: string[]) => {
        const out = await new Deno.Command(bin, {
          args: ["--db", db, "--json", ...args],
          cwd: dir,
          stdout: "piped",
          stderr: "piped",
        }).output();
        return { code: out.code, json: JSON.parse(decode(out.stdout)) };
      };
      assert.equal((await run(inbox, "init")).json.ok, true);
      assert.equal(
        (await run(inbox, "send", "--from", "a", "--to", "b", "--subject", "s", "--body", "x")).json
          .ok,
        true,
      );
      assert.equal((await run(orch, "run", "init", "--run", "R", "--goal", "g")).json.ok, true);
      const bad = await run(inbox, "show", "--thread", "99");
      assert.equal(bad.code, 3);
      assert.equal(bad.json.error.code, "THREAD_NOT_FOUND");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("deno task compile: builds every target or fails with one clear line", async () => {
  // Into a temp dir, never the checkout's dist/ (test files run in parallel).
  const outRoot = await Deno.makeTempDir({ prefix: "coord-compile-task-" });
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-write",
      "--allow-run",
      "--allow-env",
      "--allow-net",
      join(ROOT, "scripts/compile.ts"),
      "--host",
      "--out",
      outRoot,
    ],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = decode(out.stderr).trim();
  try {
    if (out.code === 0) {
      const host = hostTarget()!;
      for (const p of ["inbox", "orch"]) {
        await Deno.stat(join(outRoot, host, binaryName(p, host)));
      }
    } else {
      assert.equal(out.code, 1);
      assert.equal(stderr.split("\n").length, 1, `expected one line, got: ${stderr}`);
      assert.match(stderr, /^compile: /);
      assert.doesNotMatch(stderr, /\s+at /);
    }
  } finally {
    await Deno.remove(outRoot, { recursive: true });
  }
});

Deno.test("compileArgs(): uses the permission flags of scripts/permissions.ts, never -A", () => {
  const inbox = compileArgs("inbox", "x86_64-unknown-linux-gnu", "/tmp/out");
  assert.ok(inbox.includes("--allow-read") && inbox.includes("--allow-write"));
  assert.ok(!inbox.some((a) => a.startsWith("--allow-run") || a === "-A" || a === "--allow-all"));
  assert.ok(!inbox.some((a) => a.startsWith("--allow-ffi")));
  // The binaries are the SQLite builds: no network (a PostgreSQL store runs the sources with
  // the PostgreSQL set, see scripts/permissions.ts).
  assert.ok(!inbox.some((a) => a.startsWith("--allow-net")));
  const orch = compileArgs("orch", "x86_64-pc-windows-msvc", "/tmp/out");
  assert.ok(orch.includes("--allow-run=git,sh"));
  assert.ok(orch.includes("/tmp/out/orch.exe"));
});

Deno.test("skill launchers: committed files are what skills:build generates", async () => {
  for (const [skill, launchers] of Object.entries(LAUNCHERS)) {
    for (const [name, [program, prefix]] of Object.entries(launchers)) {
      const path = join(ROOT, "skills", skill, "assets", name);
      assert.equal(
        await Deno.readTextFile(path),
        launcherScript(name, program, prefix),
        `${path} is stale: run deno task skills:build`,
      );
      assert.ok(((await Deno.stat(path)).mode ?? 0o755) & 0o100, `${path} is not executable`);
    }
  }
});

Deno.test("skill launchers: run the sources when no binary is bundled", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const out = await new Deno.Command(join(ROOT, "skills/inbox/assets/inbox"), {
      args: ["--db", join(dir, "c.db"), "--json", "init"],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 0, decode(out.stderr));
    assert.equal(JSON.parse(decode(out.stdout)).ok, true);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
