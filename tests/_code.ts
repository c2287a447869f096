/**
 * Helpers for code-task flows against a real repository (from `tempRepo()`
 * and `seedRun()` in tests/_orch.ts): dispatch in code or analysis mode, have
 * the "worker" (this test) write and commit in its worktree, and finish
 * through the real `inbox` CLI.
 */
import { join } from "node:path";
import { type CliResult, inbox, ok } from "./_cli.ts";
import { git } from "./_git.ts";
import { type Json, orchIn } from "./_orch.ts";

/** A dispatched attempt as its worker refers to it. */
export interface Attempt {
  /** The whole JSON answer of the dispatch/retry/reassign (its `message` holds the payload). */
  answer: Json;
  attempt: Json;
  /** `--agent A --thread N`: the worker's reference to its thread. */
  ref: string[];
}

/** A code attempt: an attempt with its worktree and branch. */
export interface CodeAttempt extends Attempt {
  worktree: string;
  branch: string;
}

/** The attempt of a dispatch/retry/reassign JSON answer. */
export function attemptOf(answer: Json): Attempt {
  const attempt = answer["attempt"] as Json;
  return {
    answer,
    attempt,
    ref: ["--agent", String(attempt["assigned_to"]), "--thread", String(attempt["thread_id"])],
  };
}

/** The code attempt of a dispatch/retry/reassign JSON answer. */
export function codeAttempt(answer: Json): CodeAttempt {
  const a = attemptOf(answer);
  return {
    ...a,
    worktree: String(a.attempt["worktree_path"]),
    branch: String(a.attempt["branch_name"]),
  };
}

/**
 * `orch dispatch --run RUN --task TASK --execution-mode MODE` (plus `extra`)
 * run in `cwd` (code mode's default repository; or `ROOT` with a
 * `--repo-path` in `extra`), its answer unchecked.
 */
export function dispatch(
  cwd: string,
  db: string,
  run: string,
  task: string,
  mode: "code" | "analysis",
  ...extra: string[]
): Promise<CliResult> {
  return orchIn(
    cwd,
    db,
    "dispatch",
    "--run",
    run,
    "--task",
    task,
    "--execution-mode",
    mode,
    ...extra,
  );
}

/** A code-mode `dispatch()` that must succeed. */
export async function dispatchCode(
  cwd: string,
  db: string,
  run: string,
  task: string,
  ...extra: string[]
): Promise<CodeAttempt> {
  return codeAttempt(await ok(dispatch(cwd, db, run, task, "code", ...extra)));
}

/** An analysis-mode `dispatch()` that must succeed. */
export async function dispatchAnalysis(
  cwd: string,
  db: string,
  run: string,
  task: string,
  ...extra: string[]
): Promise<Attempt> {
  return attemptOf(await ok(dispatch(cwd, db, run, task, "analysis", ...extra)));
}

/** Writes `files` in the worktree and commits them there with `message`; returns the new head. */
export async function commitIn(
  worktree: string,
  files: Record<string, string>,
  message = "work",
): Promise<string> {
  for (const [name, text] of Object.entries(files)) {
    const path = join(worktree, name);
    await Deno.mkdir(join(path, ".."), { recursive: true });
    await Deno.writeTextFile(path, text);
  }
  await git(worktree, "add", "-A");
  await git(worktree, "commit", "-q", "-m", message);
  return (await git(worktree, "rev-parse", "HEAD")).trim();
}

/** The worker claims its thread and finishes with `done` (plus `extra`), committing nothing. */
export async function claimAndFinish(db: string, a: Attempt, ...extra: string[]): Promise<void> {
  await ok(inbox(db, "claim", ...a.ref));
  await ok(inbox(db, "done", ...a.ref, ...extra));
}

/**
 * The worker claims, commits `files` (unless empty) and finishes with `done`
 * (plus `extra`); returns the commit it made, or null.
 */
export async function workAndFinish(
  db: string,
  a: CodeAttempt,
  files: Record<string, string>,
  ...extra: string[]
): Promise<string | null> {
  await ok(inbox(db, "claim", ...a.ref));
  const head = Object.keys(files).length
    ? await commitIn(a.worktree, files, `work on ${a.attempt["task_id"]}`)
    : null;
  await ok(inbox(db, "done", ...a.ref, ...extra));
  return head;
}

/**
 * Dispatches `task` in code mode from the repository `repo`, and its worker
 * commits `files` (unless empty) and finishes with `done` (plus `extra`):
 * the attempt, with the commit the worker made (or null) as `head`.
 */
export async function dispatchAndFinish(
  repo: string,
  db: string,
  run: string,
  task: string,
  files: Record<string, string>,
  ...extra: string[]
): Promise<CodeAttempt & { head: string | null }> {
  const a = await dispatchCode(repo, db, run, task);
  return { ...a, head: await workAndFinish(db, a, files, ...extra) };
}

/** `orch --json status` as a map from task id to task view. */
export async function statusOf(
  repo: string,
  db: string,
  run: string,
): Promise<{ run: Json; tasks: Map<string, Json> }> {
  const s = await ok(orchIn(repo, db, "status", "--run", run));
  return {
    run: s["run"] as Json,
    tasks: new Map((s["tasks"] as Json[]).map((t) => [String(t["id"]), t])),
  };
}
