import assert from "node:assert/strict";
import { join } from "node:path";
import { ENTRY_POINTS, PERMISSIONS, type Program } from "../scripts/permissions.ts";
import { cliCommand } from "./_cli.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const FIXTURE = join(ROOT, "tests", "fixtures", "try_capabilities.ts");
const DENIED = ["NotCapable", "PermissionDenied"];

async function _capabilities(flags: readonly string[]): Promise<Record<string, string>> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", "--quiet", ...flags, FIXTURE],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  assert.equal(out.code, 0, stdout + new TextDecoder().decode(out.stderr));
  return JSON.parse(stdout);
}

Deno.test("deno.json: the inbox and orch tasks carry exactly the flags of scripts/permissions.ts", async () => {
  const config = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json")));
  for (const program of Object.keys(PERMISSIONS) as Program[]) {
    const task = String(config.tasks?.[program] ?? "");
    const words = task.trim().split(/\s+/);
    assert.deepEqual(words.slice(0, 2), ["deno", "run"], task);
    assert.equal(words[words.length - 1], ENTRY_POINTS[program], task);
    const flags = words.slice(2, -1);
    assert.ok(flags.includes("--no-prompt"), `${program} task may prompt: ${task}`);
    assert.deepEqual(
      flags.filter((f) => f !== "--no-prompt").sort(),
      [...PERMISSIONS[program]].sort(),
      `${program} task`,
    );
  }
});

Deno.test("cliCommand(): the tests spawn each CLI with exactly its permission flags", () => {
  for (const program of Object.keys(PERMISSIONS) as Program[]) {
    const granted = cliCommand(program).filter((a) => /^--(allow|deny)-|^-A$|^--unstable/.test(a));
    assert.deepEqual(granted.sort(), [...PERMISSIONS[program]].sort(), program);
  }
});

Deno.test("PERMISSIONS.inbox: a script run with them cannot spawn processes, listen on all interfaces, read other env or use FFI", async () => {
  const got = await _capabilities(PERMISSIONS.inbox);
  for (const capability of ["run_git", "run_sh", "listen_any", "env", "ffi"]) {
    assert.ok(DENIED.includes(got[capability]!), `${capability}: ${got[capability]}`);
  }
  assert.equal(got["read"], "ok");
  // A PostgreSQL store may be on any host, configured by the PG* variables.
  assert.equal(got["net"], "ok");
  assert.equal(got["net_name"], "ok");
  assert.equal(got["env_pg"], "ok");
});

Deno.test("PERMISSIONS.orch: a script run with them can run git and sh (merge --check), listen on loopback, reach a PostgreSQL server, nothing else", async () => {
  const got = await _capabilities(PERMISSIONS.orch);
  assert.equal(got["run_git"], "ok");
  assert.equal(got["run_sh"], "ok");
  assert.equal(got["listen_loopback"], "ok", "orch board listens on 127.0.0.1");
  assert.equal(got["net"], "ok", "a PostgreSQL store may be on any host");
  assert.equal(got["env_pg"], "ok");
  for (const capability of ["listen_any", "env", "ffi"]) {
    assert.ok(DENIED.includes(got[capability]!), `${capability}: ${got[capability]}`);
  }
});

Deno.test("deno.json: the test task runs the test files in parallel (each test owns its temp dir)", async () => {
  const config = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json")));
  const words = String(config.tasks?.test ?? "").trim().split(/\s+/);
  assert.deepEqual(words.slice(0, 2), ["deno", "test"]);
  assert.ok(words.includes("--parallel"), `test task is serial: ${config.tasks?.test}`);
});
