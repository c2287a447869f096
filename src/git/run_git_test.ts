import assert from "node:assert/strict";
import { join } from "node:path";
import { assertAppError } from "./_assert_app_error.ts";
import { runGit } from "./run_git.ts";
import { exists, makeTempRepo } from "./_testing.ts";

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

Deno.test("runGit() refuses a subcommand or global option outside its list before git starts", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const marker = join(dir, "alias-ran");
    runGit(["rev-parse", "--git-dir"], { cwd: dir, allowCodes: [128] });
    new Deno.Command("git", { args: ["init", "-q", dir] }).outputSync();
    new Deno.Command("git", {
      args: ["-C", dir, "config", "alias.x", `!touch '${marker}'`],
    }).outputSync();
    for (
      const args of [
        ["x"],
        ["-c", "alias.y=!true", "y"],
        ["-c", "core.fsmonitor=touch x", "status"],
        ["--exec-path=/tmp", "status"],
        [],
      ]
    ) {
      const err = assertAppError(() => runGit(args, { cwd: dir }), "INTERNAL");
      assert.match(err.message, /^Refusing to run git with ".*" as its subcommand$/);
    }
    assert.equal(
      (() => {
        try {
          Deno.statSync(marker);
          return true;
        } catch {
          return false;
        }
      })(),
      false,
    );
    // What orch does pass is accepted.
    runGit(["-c", "core.quotePath=false", "--no-optional-locks", "status"], { cwd: dir });
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("runGit() switches off drivers from the repository config, keeps the user's", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const marker = join(dir, "filter-ran");
    const git = (...args: string[]) =>
      new Deno.Command("git", { args: ["-C", dir, ...args], env: { GIT_CONFIG_NOSYSTEM: "1" } })
        .outputSync();
    git("init", "-q");
    git("config", "user.email", "t@example.com");
    git("config", "user.name", "t");
    Deno.writeTextFileSync(join(dir, ".gitattributes"), "*.txt filter=a=b\n");
    Deno.writeTextFileSync(join(dir, "f.txt"), "x\n");
    git("add", "-A");
    git("commit", "-q", "-m", "i");
    // A driver name with "=" in it: as `-c` it would split wrongly; it must still be switched off.
    git("config", "filter.a=b.clean", `touch '${marker}'; cat`);
    git("config", "filter.a=b.smudge", `touch '${marker}'; cat`);
    Deno.removeSync(join(dir, "f.txt"));
    runGit(["checkout", "--", "f.txt"], { cwd: dir });
    Deno.writeTextFileSync(join(dir, "f.txt"), "y\n");
    runGit(["status", "--porcelain"], { cwd: dir });
    let ran = true;
    try {
      Deno.statSync(marker);
    } catch {
      ran = false;
    }
    assert.equal(ran, false);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("runGit(): only merge-tree runs in the private git directory", () => {
  const dir = Deno.makeTempDirSync();
  try {
    for (const sub of ["status", "worktree", "commit-tree", "update-ref"]) {
      const err = assertAppError(
        () => runGit([sub], { cwd: dir, inCore: { gitDir: dir, objects: dir } }),
        "INTERNAL",
      );
      assert.equal(err.message, `Refusing to run git ${sub} in the private git directory`);
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("git worktree list, which runGit gives no driver overrides, runs no filter of the repository", () => {
  using t = makeTempRepo();
  const marker = join(t.dir, "filter-ran");
  t.write(".gitattributes", "* filter=evil diff=evil merge=evil\n");
  t.write("f.txt", "x\n");
  t.git("add", "-A");
  t.git("commit", "-q", "-m", "i");
  t.git("worktree", "add", "-q", join(t.dir, "wt"));
  for (const key of ["filter.evil.clean", "filter.evil.smudge", "filter.evil.process"]) {
    t.git("config", key, `touch '${marker}'; cat`);
  }
  t.git("config", "diff.evil.textconv", `touch '${marker}'; cat`);
  const out = runGit(["worktree", "list", "--porcelain", "-z"], { cwd: t.repo }).stdout;
  assert.match(out, /worktree [^\0]*\/wt\0/);
  assert.equal(exists(marker), false);
  // Control: a content command without the overrides runs the filter.
  t.write("f.txt", "y\n");
  t.git("status", "--porcelain");
  assert.equal(exists(marker), true, "control: git status runs the planted filter");
});
