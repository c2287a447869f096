import assert from "node:assert/strict";
import { join } from "node:path";
import {
  ENTRY_POINTS,
  PERMISSIONS,
  POSTGRES_PERMISSIONS,
  type Program,
} from "../scripts/permissions.ts";
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

Deno.test("deno.json: the inbox and orch tasks (and their :pg forms) carry exactly the flags of scripts/permissions.ts", async () => {
  const config = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json")));
  const tasks = (Object.keys(PERMISSIONS) as Program[]).flatMap((program) => [
    { name: program, program, flags: PERMISSIONS[program] },
    { name: `${program}:pg`, program, flags: POSTGRES_PERMISSIONS[program] },
  ]);
  for (const { name, program, flags: expected } of tasks) {
    const task = String(config.tasks?.[name] ?? "");
    const words = task.trim().split(/\s+/);
    assert.deepEqual(words.slice(0, 2), ["deno", "run"], task);
    assert.equal(words[words.length - 1], ENTRY_POINTS[program], task);
    const flags = words.slice(2, -1);
    assert.ok(flags.includes("--no-prompt"), `${name} task may prompt: ${task}`);
    assert.deepEqual(
      flags.filter((f) => f !== "--no-prompt").sort(),
      [...expected].sort(),
      `${name} task`,
    );
  }
});

Deno.test("cliCommand(): the tests spawn each CLI with exactly its permission flags", () => {
  for (const program of Object.keys(PERMISSIONS) as Program[]) {
    for (
      const [kind, set] of [["sqlite", PERMISSIONS], ["postgres", POSTGRES_PERMISSIONS]] as const
    ) {
      const granted = cliCommand(program, kind).filter((a) =>
        /^--(allow|deny)-|^-A$|^--unstable/.test(a)
      );
      assert.deepEqual(granted.sort(), [...set[program]].sort(), `${program} ${kind}`);
    }
  }
});

Deno.test("PERMISSIONS.inbox (SQLite): no network at all, no processes, no other env, no FFI", async () => {
  const got = await _capabilities(PERMISSIONS.inbox);
  for (
    const capability of [
      "run_git",
      "run_sh",
      "listen_any",
      "env",
      "ffi",
      "net",
      "net_name",
      "env_pg",
    ]
  ) {
    assert.ok(DENIED.includes(got[capability]!), `${capability}: ${got[capability]}`);
  }
  assert.equal(got["read"], "ok");
});

Deno.test("POSTGRES_PERMISSIONS.inbox: adds outgoing connections and PG* variables, nothing else", async () => {
  const got = await _capabilities(POSTGRES_PERMISSIONS.inbox);
  for (const capability of ["run_git", "run_sh", "listen_any", "env", "ffi"]) {
    assert.ok(DENIED.includes(got[capability]!), `${capability}: ${got[capability]}`);
  }
  // A PostgreSQL store may be on any host, configured by the PG* variables.
  assert.equal(got["net"], "ok");
  assert.equal(got["net_name"], "ok");
  assert.equal(got["env_pg"], "ok");
});

Deno.test("PERMISSIONS.orch (SQLite): git and sh (merge --check), loopback for the board, no other network", async () => {
  const got = await _capabilities(PERMISSIONS.orch);
  assert.equal(got["run_git"], "ok");
  assert.equal(got["run_sh"], "ok");
  assert.equal(got["listen_loopback"], "ok", "orch board listens on 127.0.0.1");
  for (const capability of ["listen_any", "env", "ffi", "net_name", "env_pg"]) {
    assert.ok(DENIED.includes(got[capability]!), `${capability}: ${got[capability]}`);
  }
});

Deno.test("POSTGRES_PERMISSIONS.orch: adds outgoing connections and PG* variables to the SQLite set", async () => {
  const got = await _capabilities(POSTGRES_PERMISSIONS.orch);
  assert.equal(got["run_git"], "ok");
  assert.equal(got["listen_loopback"], "ok");
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
