/**
 * Helpers for the orch tests: a temp git repository next to an initialised
 * database and orch run in a chosen working directory (code mode uses it as
 * the default repository). Git itself is in tests/_git.ts.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { cli, type CliResult, inbox, newStore, ok, orch } from "./_cli.ts";
import { scalar } from "./_db.ts";
import { initRepo } from "./_git.ts";

export type Json = Record<string, unknown>;

/** A temp dir holding a git repo (`repo`) and an initialised database (`db`, outside the repo). */
export async function tempRepo(): Promise<
  { dir: string; repo: string; db: string } & AsyncDisposable
> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "orch-test-" }));
  const repo = join(dir, "repo");
  const store = await newStore(dir);
  const db = store.db;
  try {
    await initRepo(repo);
    await ok(inbox(db, "init"));
  } catch (err) {
    await store.drop();
    await Deno.remove(dir, { recursive: true });
    throw err;
  }
  return {
    dir,
    repo,
    db,
    async [Symbol.asyncDispose]() {
      await store.drop();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** `orch --db DB --json ...args` with `cwd` as the working directory. */
export function orchIn(cwd: string, db: string, ...args: string[]): Promise<CliResult> {
  return cli("orch", ["--db", db, "--json", ...args], { cwd });
}

/** Asserts a failed command: JSON error envelope with `code`, exit `exit`, no stack trace. */
export function assertError(r: CliResult, code: string, exit: number): void {
  assert.equal(r.json.ok, false, `expected an error, got: ${r.stdout} ${r.stderr}`);
  assert.equal(r.json.error?.code, code, r.stdout);
  assert.equal(r.code, exit, r.stdout);
  assert.equal(typeof r.json.error?.message, "string");
  assert.ok(r.json.error!.message.length > 0);
  assert.doesNotMatch(r.stdout + r.stderr, /\bat .*\.ts:\d+|Error: .*\n\s+at /);
}

/** Row count of every table in the store. */
export { rowCounts } from "./_db.ts";

/** The database's id (`database_identity`), part of every attempt branch and worktree name. */
export async function databaseIdOf(db: string): Promise<string> {
  return String(await scalar(db, "SELECT id FROM database_identity"));
}

/** Attempt `n`'s branch name: `orch/<database id>/<run>/<task>/attempt-<n>`. */
export async function attemptBranch(db: string, run: string, task: string, n = 1): Promise<string> {
  return `orch/${await databaseIdOf(db)}/${run}/${task}/attempt-${n}`;
}

/** Attempt `n`'s worktree under `root`: `<root>/<database id>/<run>/<task>/attempt-<n>`. */
export async function attemptPath(
  root: string,
  db: string,
  run: string,
  task: string,
  n = 1,
): Promise<string> {
  return join(root, await databaseIdOf(db), run, task, `attempt-${n}`);
}

/** Whether `path` exists. */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
}

/** The field at a dotted path of a JSON value (`"attempt.thread_id"`). */
export function field(value: unknown, path: string): unknown {
  let cur = value;
  for (const k of path.split(".")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Json)[k];
  }
  return cur;
}

/** Run init + task add for each task (`{id: defaultTo}`) + dep add for each `[task, dependsOn]`. */
export async function seedRun(
  db: string,
  run: string,
  tasks: Record<string, string>,
  deps: Array<[string, string]> = [],
): Promise<void> {
  await ok(orch(db, "run", "init", "--run", run, "--goal", `Goal of ${run}`));
  for (const [id, to] of Object.entries(tasks)) {
    await ok(
      orch(
        db,
        "task",
        "add",
        "--run",
        run,
        "--task",
        id,
        "--title",
        `Task ${id}`,
        "--default-to",
        to,
      ),
    );
  }
  for (const [task, dependsOn] of deps) {
    await ok(orch(db, "dep", "add", "--run", run, "--task", task, "--depends-on", dependsOn));
  }
}

/**
 * Dispatches `task` of `run` in analysis mode, lets `agent` claim its thread
 * and mark it blocked with `question`: a task with an open question.
 */
export async function blockedTask(
  db: string,
  o: { run: string; task: string; agent: string; thread: string; question: string },
): Promise<void> {
  await ok(orch(db, "dispatch", "--run", o.run, "--task", o.task, "--execution-mode", "analysis"));
  await ok(inbox(db, "claim", "--agent", o.agent, "--thread", o.thread));
  const update = ["--agent", o.agent, "--thread", o.thread, "--status", "blocked"];
  await ok(inbox(db, "update", ...update, "--body", o.question));
}
