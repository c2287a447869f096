/**
 * Issue 7 items 2 and 3: a dependent code task starts from its base merged
 * with its done dependencies' commits; a conflict between them is refused at
 * dispatch with nothing left behind; retry and reassign carry committed work
 * forward.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { cliCommand, inbox, ok, ROOT } from "./_cli.ts";
import { git, gitResult } from "./_git.ts";
import {
  assertError,
  attemptPath,
  exists,
  type Json,
  orchIn,
  rowCounts,
  seedRun,
  tempRepo,
} from "./_orch.ts";
import {
  codeAttempt,
  commitIn,
  dispatch,
  dispatchAnalysis,
  dispatchAndFinish,
  dispatchCode,
} from "./_code.ts";

/** Task A's work in the tests where B depends on it. */
const MOD_A = { "mod.ts": "export const a = 1;\n" };

async function read(path: string): Promise<string | null> {
  try {
    return await Deno.readTextFile(path);
  } catch {
    return null;
  }
}

Deno.test("stacked dispatch: one dependency's work is in the dependent's worktree, listed in the payload", async () => {
  await using env = await tempRepo();
  await seedRun(env.db, "R", { A: "w", B: "w" }, [["B", "A"]]);
  const a = await dispatchAndFinish(env.repo, env.db, "R", "A", MOD_A, "--body", "Added mod.ts");

  const b = await dispatchCode(env.repo, env.db, "R", "B");
  const d = b.answer;
  assert.equal(await read(join(b.worktree, "mod.ts")), "export const a = 1;\n");
  const included = b.attempt["included_deps"] as Json[];
  assert.deepEqual(included.map((x) => [x["task_id"], x["head_commit"]]), [["A", a.head]]);
  assert.deepEqual(Object.keys(included[0]!).sort(), [
    "attempt_id",
    "branch_name",
    "head_commit",
    "task_id",
  ]);
  assert.notEqual(b.attempt["start_commit"], b.attempt["base_commit"]);
  assert.equal((await git(b.worktree, "rev-parse", "HEAD")).trim(), b.attempt["start_commit"]);
  const payload = (d["message"] as Json)["payload"] as Json;
  const listed = (payload["included_deps"] as Json[])[0]!;
  assert.deepEqual([listed["task_id"], listed["branch_name"], listed["summary"]], [
    "A",
    a.branch,
    "Added mod.ts",
  ]);
  // The worker brief lists it and says to commit.
  const saved = join(env.dir, "b.json");
  await Deno.writeTextFile(saved, JSON.stringify(d));
  const brief = await ok(orchIn(env.repo, env.db, "brief", "--dispatch-json", saved));
  assert.match(
    String(brief["brief"]),
    /Task `A` \(branch `[^`]+`, commit `[0-9a-f]{12}`\): Added mod\.ts/,
  );
  assert.match(String(brief["brief"]), /at\s+least one commit/);
  // B's diff is B's own work only.
  await commitIn(b.worktree, { "mod_test.ts": "test\n" });
  const diff = await ok(orchIn(env.repo, env.db, "diff", "--run", "R", "--task", "B"));
  assert.deepEqual((diff["files"] as Json[]).map((f) => f["path"]), ["mod_test.ts"]);
});

Deno.test("stacked dispatch: several dependencies and a diamond, in dependency order; --from-base opts out", async () => {
  await using env = await tempRepo();
  await seedRun(env.db, "R", { A: "w", B: "w", C: "w", D: "w", E: "w" }, [
    ["B", "A"],
    ["C", "A"],
    ["D", "B"],
    ["D", "C"],
    ["E", "B"],
    ["E", "C"],
  ]);
  await dispatchAndFinish(env.repo, env.db, "R", "A", { "a.txt": "A\n" });
  await dispatchAndFinish(env.repo, env.db, "R", "B", { "b.txt": "B\n" });
  await dispatchAndFinish(env.repo, env.db, "R", "C", { "c.txt": "C\n" });
  const d = await dispatchCode(env.repo, env.db, "R", "D");
  for (const f of ["a.txt", "b.txt", "c.txt"]) {
    assert.equal(await read(join(d.worktree, f)), `${f[0]!.toUpperCase()}\n`, f);
  }
  // Transitive dependencies in dependency order; A is already in B (a no-op merge) but listed.
  assert.deepEqual((d.attempt["included_deps"] as Json[]).map((x) => x["task_id"]), [
    "A",
    "B",
    "C",
  ]);
  // Fast-forwards where a dependency holds everything before it (A, then B, which started
  // from A): the one merge commit is C's.
  const merges = (await git(d.worktree, "log", "--merges", "--format=%s")).trim().split("\n");
  assert.deepEqual(merges, ["Start R/D from dependency C"]);
  const e = await dispatchCode(env.repo, env.db, "R", "E", "--from-base");
  assert.equal(await read(join(e.worktree, "b.txt")), null);
  assert.deepEqual(e.attempt["included_deps"], []);
  assert.equal(e.attempt["start_commit"], e.attempt["base_commit"]);
});

Deno.test("stacked dispatch: conflicting dependencies are MERGE_CONFLICT with the paths, nothing left behind", async () => {
  await using env = await tempRepo();
  await seedRun(env.db, "R", { X: "w", Y: "w", Z: "w" }, [["Z", "X"], ["Z", "Y"]]);
  await dispatchAndFinish(env.repo, env.db, "R", "X", { "README.md": "X\n" });
  await dispatchAndFinish(env.repo, env.db, "R", "Y", { "README.md": "Y\n" });
  await ok(orchIn(env.repo, env.db, "status", "--run", "R"));
  const before = await rowCounts(env.db);
  const branches = await git(env.repo, "branch", "--list");
  const r = await dispatch(env.repo, env.db, "R", "Z", "code");
  assertError(r, "MERGE_CONFLICT", 5);
  const details = (r.json.error as unknown as Json)["details"] as Json;
  assert.deepEqual([details["task_id"], details["paths"]], ["Y", ["README.md"]]);
  assert.deepEqual(await rowCounts(env.db), before);
  assert.equal(await git(env.repo, "branch", "--list"), branches);
  assert.equal(
    await exists(await attemptPath(join(env.repo, ".orch", "worktrees"), env.db, "R", "Z")),
    false,
  );
  assert.doesNotMatch(await git(env.repo, "worktree", "list"), /\/Z\//);
  // The opt-out dispatches from the bare base.
  const z = await dispatchCode(env.repo, env.db, "R", "Z", "--from-base");
  assert.equal(await read(join(z.worktree, "README.md")), "# test repo\n");
});

Deno.test("retry and reassign carry the previous attempt's commits forward, unless --base-ref", async () => {
  await using env = await tempRepo();
  await seedRun(env.db, "R", { T: "w" });
  const first = await dispatchCode(env.repo, env.db, "R", "T");
  await ok(inbox(env.db, "claim", ...first.ref));
  const head = await commitIn(first.worktree, { "progress.txt": "half\n" });
  await ok(inbox(env.db, "fail", ...first.ref, "--reason", "ran out of budget"));

  const second = codeAttempt(
    await ok(orchIn(env.repo, env.db, "retry", "--run", "R", "--task", "T")),
  );
  assert.equal(await read(join(second.worktree, "progress.txt")), "half\n");
  assert.equal(second.attempt["start_commit"], head);
  assert.equal(second.attempt["base_commit"], first.attempt["base_commit"]);

  await ok(inbox(env.db, "claim", ...second.ref));
  const head2 = await commitIn(second.worktree, { "progress.txt": "more\n" });
  const third = codeAttempt(
    await ok(orchIn(env.repo, env.db, "reassign", "--run", "R", "--task", "T", "--to", "v")),
  );
  assert.equal(third.attempt["start_commit"], head2);
  assert.equal(await read(join(third.worktree, "progress.txt")), "more\n");

  const fresh = codeAttempt(
    await ok(
      orchIn(
        env.repo,
        env.db,
        "reassign",
        "--run",
        "R",
        "--task",
        "T",
        "--to",
        "u",
        "--base-ref",
        "main",
      ),
    ),
  );
  assert.equal(await read(join(fresh.worktree, "progress.txt")), null);
  assert.equal(fresh.attempt["start_commit"], fresh.attempt["base_commit"]);
});

Deno.test("a retry without commits starts where the stacked attempt started, its dependencies listed again", async () => {
  await using env = await tempRepo();
  await seedRun(env.db, "R", { A: "w", B: "w" }, [["B", "A"]]);
  await dispatchAndFinish(env.repo, env.db, "R", "A", MOD_A, "--body", "Added mod.ts");
  const first = await dispatchCode(env.repo, env.db, "R", "B");
  await ok(inbox(env.db, "claim", ...first.ref));
  await ok(inbox(env.db, "fail", ...first.ref, "--reason", "gave up before committing"));
  const r = await ok(orchIn(env.repo, env.db, "retry", "--run", "R", "--task", "B"));
  const second = codeAttempt(r);
  assert.equal(second.attempt["start_commit"], first.attempt["start_commit"]);
  assert.equal(await read(join(second.worktree, "mod.ts")), "export const a = 1;\n");
  assert.deepEqual(
    (second.attempt["included_deps"] as Json[]).map((x) => x["task_id"]),
    ["A"],
  );
  const listed = ((r["message"] as Json)["payload"] as Json)["included_deps"] as Json[];
  assert.deepEqual(listed.map((x) => [x["task_id"], x["summary"]]), [["A", "Added mod.ts"]]);
});

Deno.test("an analysis task gets its dependencies' work as a read-only ref, plus repo_path", async () => {
  await using env = await tempRepo();
  await seedRun(env.db, "R", { A: "w", B: "w", Q: "w" }, [["Q", "A"], ["Q", "B"]]);
  await dispatchAndFinish(env.repo, env.db, "R", "A", { "a.txt": "A\n" }, "--body", "Added a.txt");
  await dispatchAndFinish(env.repo, env.db, "R", "B", { "b.txt": "B\n" }, "--body", "Added b.txt");
  const branchesBefore = await git(env.repo, "branch", "--list");
  const d = (await dispatchAnalysis(env.repo, env.db, "R", "Q")).answer;
  const payload = (d["message"] as Json)["payload"] as Json;
  assert.equal(payload["repo_path"], await Deno.realPath(env.repo));
  const ref = String(payload["view_ref"]);
  assert.match(ref, /^refs\/orch-views\/[^/]+\/R\/Q\/attempt-1$/);
  assert.equal((await git(env.repo, "rev-parse", ref)).trim(), payload["view_commit"]);
  assert.deepEqual(
    (await git(env.repo, "ls-tree", "-r", "--name-only", ref)).trim().split("\n"),
    ["README.md", "a.txt", "b.txt"],
  );
  assert.deepEqual(
    (payload["included_deps"] as Json[]).map((x) => [x["task_id"], x["summary"]]),
    [["A", "Added a.txt"], ["B", "Added b.txt"]],
  );
  // Nothing to check out: no branch, no worktree; the user's checkout is untouched.
  assert.equal(await git(env.repo, "branch", "--list"), branchesBefore);
  assert.equal(await read(join(env.repo, "a.txt")), null);
  assert.equal((d["attempt"] as Json)["worktree_path"], null);
  const saved = join(env.dir, "q.json");
  await Deno.writeTextFile(saved, JSON.stringify(d));
  const brief = String(
    (await ok(orchIn(env.repo, env.db, "brief", "--dispatch-json", saved)))["brief"],
  );
  assert.ok(brief.includes(ref), "the brief names the ref");
  assert.match(brief, /Task `B` \(branch `[^`]+`, commit `[0-9a-f]{12}`\): Added b\.txt/);
});

/**
 * Run R where done tasks X and Y change the same line of README.md and Z depends on both, with
 * what a worker can write into the shared .git: an attribute naming the merge driver `evil` for
 * every path. Returns X's and Y's attempts and the repository's common git directory.
 */
async function evilAttributeOnConflict(env: { repo: string; db: string }) {
  await seedRun(env.db, "R", { X: "w", Y: "w", Z: "w" }, [["Z", "X"], ["Z", "Y"]]);
  const x = await dispatchAndFinish(env.repo, env.db, "R", "X", {
    "README.md": "# test repo\nX\n",
  });
  const y = await dispatchAndFinish(env.repo, env.db, "R", "Y", {
    "README.md": "# test repo\nY\n",
  });
  const common = join(env.repo, (await git(env.repo, "rev-parse", "--git-common-dir")).trim());
  await Deno.mkdir(join(common, "info"), { recursive: true });
  await Deno.writeTextFile(join(common, "info", "attributes"), "* merge=evil\n");
  return { x, y, common };
}

Deno.test("in-core merges (stacked dispatch, orch merge) run no merge driver a worker planted in the shared .git", async () => {
  await using env = await tempRepo();
  const marker = join(env.dir, "driver-ran");
  // A worker can write the shared .git: an attribute naming a driver, and the driver.
  const { x, y } = await evilAttributeOnConflict(env);
  await git(env.repo, "config", "merge.evil.driver", `touch '${marker}'; exit 0`);
  await git(env.repo, "merge-tree", "--write-tree", x.branch, y.branch);
  assert.equal(await exists(marker), true, "control: plain git merge-tree runs the driver");
  await Deno.remove(marker);

  const r = await dispatch(env.repo, env.db, "R", "Z", "code");
  assertError(r, "MERGE_CONFLICT", 5);
  assert.equal(await exists(marker), false, "stacked dispatch ran the driver");
  const m = await ok(orchIn(env.repo, env.db, "merge", "--run", "R", "--into", "main"));
  assert.deepEqual((m["left_out"] as Json[]).map((l) => l["status"]), ["merge_conflict"]);
  assert.equal(await exists(marker), false, "orch merge ran the driver");
});

/**
 * Serves `fifo` to whoever opens it for reading, until stopped: a process whose command line has
 * the word `config` (what a check of the config runs) gets `forCheck`, any other `forOthers`.
 * Included from `.git/config`, it is a config that changes between two reads: what a worker could
 * do by rewriting `.git/config` between a check and the command it guards, without the race.
 */
function serveFifo(fifo: string, forCheck: string, forOthers: string) {
  let stopped = false;
  let opening = false;
  const served: string[] = [];
  // The other processes holding the FIFO open, as their argument lists (Deno reads /proc only
  // with --allow-all: a shell does it).
  const readers = async (): Promise<string[][]> => {
    const out = await new Deno.Command("sh", {
      args: [
        "-c",
        'for f in $(find /proc/[0-9]*/fd -maxdepth 1 -lname "$1" 2>/dev/null); do ' +
        'd=${f%/fd/*}; [ "$d" = "/proc/$2" ] || { tr "\\0" "\\t" < "$d/cmdline"; echo; }; done',
        "sh",
        fifo,
        String(Deno.pid),
      ],
      stdout: "piped",
      stderr: "null",
    }).output();
    return new TextDecoder().decode(out.stdout).split("\n").filter((l) => l !== "")
      .map((l) => l.split("\t"));
  };
  const loop = (async () => {
    while (!stopped) {
      opening = true;
      const f = await Deno.open(fifo, { write: true }); // until a reader opens it
      opening = false;
      if (stopped) {
        f.close();
        break;
      }
      const who = await readers();
      if (who.length > 0) {
        const check = who.some((argv) => argv.includes("config"));
        served.push(check ? "check" : "other");
        try {
          await f.write(new TextEncoder().encode(check ? forCheck : forOthers));
        } catch (err) {
          if (!(err instanceof Deno.errors.BrokenPipe)) throw err; // it went away unserved
        }
      }
      f.close();
      // Let this reader close before the next open: an open made while it still holds the FIFO
      // would be paired with it instead of with the next reader.
      const deadline = Date.now() + 5000;
      while ((await readers()).length > 0 && Date.now() < deadline) {
        // Its close follows its read of the end of the data.
      }
    }
  })();
  return {
    served,
    async stop() {
      stopped = true;
      if (opening) {
        // Release the open that waits for a reader.
        const r = await Deno.open(fifo, { read: true });
        const buf = new Uint8Array(4096);
        while ((await r.read(buf)) !== null) { /* drain */ }
        r.close();
      }
      await loop;
    },
  };
}

Deno.test("in-core merges read no config of the shared .git: a driver that appears after any check does not run", async () => {
  await using env = await tempRepo();
  const marker = join(env.dir, "driver-ran");
  const { x, y, common } = await evilAttributeOnConflict(env);
  // .git/config includes a FIFO: a config check reads no driver, the merge after it would.
  const fifo = join(env.dir, "evil.config");
  const mk = await new Deno.Command("mkfifo", { args: [fifo] }).output();
  assert.ok(mk.success, "mkfifo");
  const server = serveFifo(fifo, "", `[merge "evil"]\n\tdriver = touch '${marker}'; exit 0\n`);
  try {
    await Deno.writeTextFile(join(common, "config"), `[include]\n\tpath = ${fifo}\n`, {
      append: true,
    });
    const seen = await gitResult(env.repo, "config", "--get-regexp", "^merge\\.");
    assert.ok(!seen.stdout.includes("evil"), "control: a check of the config sees no driver");
    await git(env.repo, "merge-tree", "--write-tree", x.branch, y.branch);
    assert.equal(await exists(marker), true, "control: a merge in the repository runs the driver");
    await Deno.remove(marker);

    const r = await dispatch(env.repo, env.db, "R", "Z", "code");
    assert.equal(await exists(marker), false, "stacked dispatch ran the driver");
    assertError(r, "MERGE_CONFLICT", 5);
    const m = await ok(orchIn(env.repo, env.db, "merge", "--run", "R", "--into", "main"));
    assert.deepEqual((m["left_out"] as Json[]).map((l) => l["status"]), ["merge_conflict"]);
    assert.equal(await exists(marker), false, "orch merge ran the driver");
    assert.ok(server.served.includes("check"), "orch checked the config (worktree list)");
  } finally {
    await server.stop();
  }
});

Deno.test("with file access narrowed to the repository (ORCH_ALLOW_PATHS), in-core merges still run no planted merge driver", async () => {
  await using env = await tempRepo();
  const marker = join(env.dir, "driver-ran");
  await evilAttributeOnConflict(env);
  await git(env.repo, "config", "merge.evil.driver", `touch '${marker}'; exit 0`);
  // Only the test's folder is writable: orch cannot make its private git directory in the
  // temporary folder, and merges in the repository with the drivers overridden instead.
  const out = await new Deno.Command(join(ROOT, "skills/orch/assets/orch"), {
    args: ["--db", env.db, "--json", "merge", "--run", "R", "--into", "main"],
    cwd: env.repo,
    env: { ORCH_ALLOW_PATHS: env.dir },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  assert.equal(out.code, 0, `${stdout} ${new TextDecoder().decode(out.stderr)}`);
  const m = JSON.parse(stdout) as Json;
  assert.deepEqual((m["merged"] as Json[]).map((l) => l["task_id"]), ["X"]);
  assert.deepEqual((m["left_out"] as Json[]).map((l) => l["status"]), ["merge_conflict"]);
  assert.equal(await exists(marker), false, "orch merge ran the driver");
});

/** `orch merge --run R --into main` with `tmp` as its temporary folder (TMPDIR); its JSON answer. */
async function _mergeWithTmpdir(env: { db: string; repo: string }, tmp: string): Promise<Json> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      ...cliCommand("orch"),
      "--db",
      env.db,
      "--json",
      "merge",
      "--run",
      "R",
      "--into",
      "main",
    ],
    cwd: env.repo,
    env: { TMPDIR: tmp },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  assert.equal(out.code, 0, `${stdout} ${new TextDecoder().decode(out.stderr)}`);
  return JSON.parse(stdout) as Json;
}

Deno.test("orch merge makes its private git directory in the temporary folder and removes it when it ends", async () => {
  await using env = await tempRepo();
  await seedRun(env.db, "R", { X: "w", Y: "w" });
  await dispatchAndFinish(env.repo, env.db, "R", "X", { "x.txt": "x\n" });
  await dispatchAndFinish(env.repo, env.db, "R", "Y", { "y.txt": "y\n" });
  const tmp = join(env.dir, "tmp");
  await Deno.mkdir(tmp);
  // TMPDIR is where Deno makes temporary folders: a folder left behind would be there.
  const merged = await _mergeWithTmpdir(env, tmp);
  assert.deepEqual((merged["merged"] as Json[]).map((l) => l["task_id"]), ["X", "Y"]);
  assert.deepEqual(await Array.fromAsync(Deno.readDir(tmp)), [], "left in the temporary folder");
});

Deno.test("a killed process's private git directory is removed by the next one; a live one's is kept", async () => {
  await using env = await tempRepo();
  await seedRun(env.db, "R", { X: "w" });
  await dispatchAndFinish(env.repo, env.db, "R", "X", { "x.txt": "x\n" });
  const tmp = join(env.dir, "tmp");
  const folder = async (name: string, lock: boolean, ageDays = 0) => {
    const dir = join(tmp, name);
    await Deno.mkdir(dir, { recursive: true });
    if (lock) await Deno.writeTextFile(join(dir, "orch.lock"), "");
    const when = new Date(Date.now() - ageDays * 86_400_000);
    await Deno.utime(dir, when, when);
  };
  await folder("orch-in-core-dead", true);
  await folder("orch-in-core-live", true);
  await folder("orch-in-core-old-unlocked", false, 2);
  await folder("orch-in-core-new-unlocked", false);
  await folder("not-orch", true);
  // The test process stands for a live orch: it holds that folder's lock.
  const live = await Deno.open(join(tmp, "orch-in-core-live", "orch.lock"), {
    read: true,
    write: true,
  });
  await live.lock(true);
  try {
    await _mergeWithTmpdir(env, tmp);
  } finally {
    live.close();
  }
  const left = (await Array.fromAsync(Deno.readDir(tmp))).map((e) => e.name).sort();
  assert.deepEqual(left, ["not-orch", "orch-in-core-live", "orch-in-core-new-unlocked"]);
});
