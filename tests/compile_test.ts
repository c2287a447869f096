import assert from "node:assert/strict";
import { join } from "node:path";
import { compileArgs, isMissingRuntime, pickTargets } from "../scripts/compile.ts";
import { LAUNCHERS, launcherScript } from "../scripts/skills_build.ts";
import { binaryName, hostTarget, TARGETS } from "../scripts/targets.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const decode = (b: Uint8Array) => new TextDecoder().decode(b);

/**
 * Compiles both programs for the host into a temp dir once. Only where the
 * runtime download is impossible (no network, no DENORT_BIN) is the
 * compiled-binary test skipped; any other compile failure fails it.
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
      return isMissingRuntime(err)
        ? { skip: "deno compile cannot download its runtime here (no network, no DENORT_BIN)" }
        : { failure: `deno compile failed for ${program}: ${err.trim()}` };
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
    if ("failure" in built) throw new Error(built.failure);
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
      // The only acceptable failure: the runtime cannot be downloaded here.
      assert.equal(out.code, 1);
      assert.equal(stderr.split("\n").length, 1, `expected one line, got: ${stderr}`);
      assert.match(stderr, /^compile: cannot download the Deno runtime \(denort\) for /, stderr);
      assert.doesNotMatch(stderr, /\s+at /);
    }
  } finally {
    await Deno.remove(outRoot, { recursive: true });
  }
});

Deno.test("compileArgs(): exactly the permission flags, target, output and entry point of each binary", () => {
  const entry = (p: string) => join(ROOT, "src", `${p}.ts`);
  assert.deepEqual(compileArgs("inbox", "x86_64-unknown-linux-gnu", "/tmp/out"), [
    "compile",
    "--no-prompt",
    "--quiet",
    "--allow-read",
    "--allow-write",
    "--allow-env=INBOX_TOKEN,INBOX_DB",
    "--target",
    "x86_64-unknown-linux-gnu",
    "--output",
    "/tmp/out/inbox",
    entry("inbox"),
  ]);
  assert.deepEqual(compileArgs("orch", "x86_64-pc-windows-msvc", "/tmp/out"), [
    "compile",
    "--no-prompt",
    "--quiet",
    "--allow-read",
    "--allow-write",
    "--allow-run=git,sh",
    "--allow-env=ORCH_TOKEN,ORCH_DB",
    "--allow-net=127.0.0.1",
    "--target",
    "x86_64-pc-windows-msvc",
    "--output",
    "/tmp/out/orch.exe",
    entry("orch"),
  ]);
});

Deno.test("pickTargets(): every supported target by default, the host or the named ones on request", () => {
  assert.deepEqual([...TARGETS], [
    "x86_64-unknown-linux-gnu",
    "aarch64-unknown-linux-gnu",
    "x86_64-apple-darwin",
    "aarch64-apple-darwin",
    "x86_64-pc-windows-msvc",
  ]);
  assert.deepEqual(pickTargets([]), [...TARGETS]);
  assert.deepEqual(
    pickTargets(["--target", "aarch64-apple-darwin", "--target", "x86_64-apple-darwin"]),
    [
      "aarch64-apple-darwin",
      "x86_64-apple-darwin",
    ],
  );
  const host = hostTarget();
  if (host) {
    assert.deepEqual(pickTargets(["--host"]), [host]);
    assert.deepEqual(pickTargets([], "/opt/denort"), [host]); // a local runtime builds the host only
  }
});

Deno.test("isMissingRuntime(): only the runtime download failing, not any compile error", () => {
  const download =
    "error: Writing deno compile executable to temporary file '/tmp/x/inbox.tmp'\n\nCaused by:\n" +
    "    0: Setting up base binary.\n" +
    "    1: error sending request for url (https://dl.deno.land/release/v2.9.6/denort-x86_64-unknown-linux-gnu.zip): client error (Connect): dns error: failed to lookup address information: Name or service not known";
  assert.equal(isMissingRuntime(download), true);
  assert.equal(isMissingRuntime("error: unexpected argument '--bogus-flag' found"), false);
  assert.equal(
    isMissingRuntime('error: Module not found "file:///x/schema/007_new.sql".'),
    false,
  );
  assert.equal(
    isMissingRuntime("error sending request for url (https://registry.npmjs.org/x)"),
    false,
  );
});

Deno.test("each binary's module graph embeds every schema/**/*.sql (deno compile includes them, offline)", async () => {
  const schemaDir = join(ROOT, "schema");
  // SQLite's migrations and, in schema/postgres/, PostgreSQL's.
  const expected: string[] = [];
  for (const sub of ["", "postgres/"]) {
    for await (const e of Deno.readDir(join(schemaDir, sub))) {
      if (e.isFile && e.name.endsWith(".sql")) expected.push(sub + e.name);
    }
  }
  expected.sort();
  assert.ok(expected.length > 0);
  for (const program of ["inbox", "orch"] as const) {
    const args = compileArgs(program, "x86_64-unknown-linux-gnu", "/tmp/out");
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", args[args.length - 1]!],
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 0, decode(out.stderr));
    const modules = JSON.parse(decode(out.stdout)).modules as Array<{ specifier: string }>;
    const embedded = modules
      .map((m) => m.specifier)
      .filter((s) => s.startsWith(`file://${schemaDir}/`) && s.endsWith(".sql"))
      .map((s) => s.slice(`file://${schemaDir}/`.length))
      .sort();
    assert.deepEqual(embedded, expected, `${program}: schema files missing from the binary`);
  }
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
