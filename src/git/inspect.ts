/**
 * Reading what a code attempt delivered: its worktree's state and its
 * branch's commits past the base. Read-only git; never run inside a write
 * transaction.
 *
 * @module
 */

import { runGit } from "./run_git.ts";
import { worktreeState } from "./worktree.ts";

/** Most dirty paths reported back (the leader needs a hint, not a listing). */
export const MAX_DIRTY_PATHS = 20;

/** What {@linkcode inspectAttempt} needs to know about the attempt. */
export interface InspectTarget {
  repo: string;
  worktree: string;
  branch: string;
  baseCommit: string;
}

/** What {@linkcode inspectAttempt} found. */
export interface Inspection {
  worktree: "clean" | "dirty" | "missing";
  dirty_paths: string[];
  on_branch: boolean;
  head_commit: string | null;
  commits_ahead: number;
  files_changed: number;
}

/**
 * The worktree's state (clean, dirty, missing) with a few dirty paths,
 * whether it still has the attempt's branch checked out, the branch's head,
 * and how many commits and files it has past `baseCommit`.
 */
export function inspectAttempt(t: InspectTarget): Inspection {
  const worktree = worktreeState(t.worktree);
  let dirtyPaths: string[] = [];
  let onBranch = true;
  if (worktree !== "missing") {
    if (worktree === "dirty") {
      const status = runGit(
        ["--no-optional-locks", "status", "--porcelain=v1", "-z", "--untracked-files=all"],
        { cwd: t.worktree },
      ).stdout;
      dirtyPaths = parseStatusPaths(status).slice(0, MAX_DIRTY_PATHS);
    }
    const head = runGit(["symbolic-ref", "--quiet", "HEAD"], {
      cwd: t.worktree,
      allowCodes: [1, 128],
    });
    onBranch = head.code === 0 && head.stdout.trim() === `refs/heads/${t.branch}`;
  }
  const ref = runGit(
    ["rev-parse", "--verify", "--quiet", "--end-of-options", `refs/heads/${t.branch}^{commit}`],
    { cwd: t.repo, allowCodes: [1, 128] },
  );
  const headCommit = ref.code === 0 ? ref.stdout.trim() : null;
  if (headCommit === null) {
    return {
      worktree,
      dirty_paths: dirtyPaths,
      on_branch: onBranch,
      head_commit: null,
      commits_ahead: 0,
      files_changed: 0,
    };
  }
  return {
    worktree,
    dirty_paths: dirtyPaths,
    on_branch: onBranch,
    head_commit: headCommit,
    ...countChanges(t.repo, t.baseCommit, headCommit),
  };
}

/** Commits in `from..to` and files that differ between the two. */
export function countChanges(
  repo: string,
  from: string,
  to: string,
): { commits_ahead: number; files_changed: number } {
  const ahead = Number(runGit(["rev-list", "--count", `${from}..${to}`], { cwd: repo }).stdout);
  const files = runGit(
    [
      "-c",
      "core.quotePath=false",
      "diff",
      "--no-ext-diff",
      "--no-textconv",
      "--name-only",
      "-z",
      from,
      to,
      "--",
    ],
    { cwd: repo },
  ).stdout.split("\0").filter((p) => p !== "").length;
  return { commits_ahead: ahead, files_changed: files };
}

/** Paths of `git status --porcelain=v1 -z` output (renames: the new path). */
export function parseStatusPaths(porcelain: string): string[] {
  const fields = porcelain.split("\0");
  const paths: string[] = [];
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    if (f.length < 4) continue;
    paths.push(f.slice(3));
    // A rename or copy is followed by its source path.
    if (f[0] === "R" || f[0] === "C") i++;
  }
  return paths;
}
