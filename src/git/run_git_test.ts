import assert from "node:assert/strict";
import { join } from "node:path";
import { assertAppError } from "./_assert_app_error.ts";
import { runGit } from "./run_git.ts";

Deno.test("runGit() returns the exit code and output of a successful command", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const out = runGit(["--version"], { cwd: dir });
    assert.equal(out.code, 0);
    assert.match(out.stdout, /^git version \d/);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("runGit() throws GIT_ERROR with exit code and stderr on failure", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const err = assertAppError(
      () => runGit(["rev-parse", "--show-toplevel"], { cwd: dir }),
      "GIT_ERROR",
    );
    assert.equal(err.details["exit_code"], 128);
    assert.deepEqual(err.details["args"], ["rev-parse", "--show-toplevel"]);
    assert.match(String(err.details["stderr"]), /not a git repository/);
    assert.match(
      err.message,
      /^Command "git rev-parse --show-toplevel" failed with exit code 128: /,
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("runGit() returns an allowed non-zero exit code instead of throwing", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const out = runGit(["rev-parse", "--show-toplevel"], { cwd: dir, allowCodes: [128] });
    assert.equal(out.code, 128);
    assert.match(out.stderr, /not a git repository/);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("runGit() reports a missing working directory as GIT_ERROR", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const missing = join(dir, "nope");
    const err = assertAppError(() => runGit(["--version"], { cwd: missing }), "GIT_ERROR");
    assert.match(err.message, /Cannot run git in ".*nope": not a directory/);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("runGit() reports a missing run permission as GIT_ERROR", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const script = join(dir, "probe.ts");
    const moduleUrl = new URL("./run_git.ts", import.meta.url).href;
    Deno.writeTextFileSync(
      script,
      `import { runGit } from ${JSON.stringify(moduleUrl)};
try { runGit(["--version"], { cwd: ${JSON.stringify(dir)} }); console.log("ran"); }
catch (err) { console.log(JSON.stringify({ code: err.code, message: err.message })); }`,
    );
    const out = new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-prompt", "--allow-read", script],
      stdout: "piped",
      stderr: "piped",
    }).outputSync();
    const stdout = new TextDecoder().decode(out.stdout).trim();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    const parsed = JSON.parse(stdout);
    assert.equal(parsed.code, "GIT_ERROR");
    assert.match(parsed.message, /^Not permitted to run "git"/);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
