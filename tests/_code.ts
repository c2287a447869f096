/**
 * Helpers for code-task flows against a real repository: dispatch in code
 * mode, have the "worker" (this test) write and commit in its worktree, and
 * finish through the real `inbox` CLI.
 */
import { join } from "node:path";
import { inbox, ok } from "./_cli.ts";
import { git } from "./_git.ts";
import { type Json, orchIn } from "./_orch.ts";

/** A dispatched attempt as the tests use it. */
export interface CodeAttempt {
  attempt: Json;
  /** `--agent A --thread N`: the worker's reference to its thread. */
  ref: string[];
  worktree: string;
  branch: string;
}

/** The attempt of a dispatch/retry/reassign JSON answer. */
export function codeAttempt(j: Json): CodeAttempt {
  const attempt = j["attempt"] as Json;
  return {
    attempt,
    ref: ["--agent", String(attempt["assigned_to"]), "--thread", String(attempt["thread_id"])],
    worktree: String(attempt["worktree_path"]),
    branch: String(attempt["branch_name"]),
  };
}

/** `orch dispatch --execution-mode code` (plus `extra`) from the repository. */
export async function dispatchCode(
  repo: string,
  db: string,
  run: string,
  task: string,
  ...extra: string[]
): Promise<CodeAttempt> {
  return codeAttempt(
    await ok(
      orchIn(
        repo,
        db,
        "dispatch",
        "--run",
        run,
        "--task",
        task,
        "--execution-mode",
        "code",
        ...extra,
      ),
    ),
  );
}

/** Writes `files` in the worktree and commits them there with `message`. */
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

/** The worker claims, commits `files` (unless empty) and finishes with `done` (plus `extra`). */
export async function workAndFinish(
  db: string,
  a: CodeAttempt,
  files: Record<string, string>,
  ...extra: string[]
): Promise<void> {
  await ok(inbox(db, "claim", ...a.ref));
  if (Object.keys(files).length) {
    await commitIn(a.worktree, files, `work on ${a.attempt["task_id"]}`);
  }
  await ok(inbox(db, "done", ...a.ref, ...extra));
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
