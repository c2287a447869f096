/**
 * Merging commits without anybody's checkout: in-core merges
 * (`git merge-tree --write-tree` + `git commit-tree`), the compare-and-swap
 * move of a branch, and the fast-forward of a clean checkout of it.
 *
 * Nothing here runs repository hooks (`core.hooksPath` is pointed at
 * `/dev/null` on every call that could run one), and the merges touch no
 * work tree, so no checkout filter runs either.
 *
 * @module
 */

import { AppError } from "../protocol/errors.ts";
import { inCoreRepo } from "./in_core.ts";
import { runGit } from "./run_git.ts";
import { parseWorktreeList } from "./worktree.ts";

/** `-c` overrides that keep repository hooks from running. */
export const NO_HOOKS = ["-c", "core.hooksPath=/dev/null"] as const;

/** {@linkcode identityArgs} per repository, read once per process (a merge queue writes many). */
const _identities = new Map<string, string[]>();

/** The repository's identity for commits orch writes, or orch's own when it has none. */
export function identityArgs(repo: string): string[] {
  const known = _identities.get(repo);
  if (known) return known;
  // Both keys in one call: records "<key>\n<value>\0" (exit status 1 when there are none).
  const found = runGit(["config", "--null", "--get-regexp", "^user\\.(name|email)$"], {
    cwd: repo,
    allowCodes: [1],
  }).stdout;
  const keys = new Set(found.split("\0").map((r) => r.split("\n", 1)[0]!.toLowerCase()));
  const args = keys.has("user.email") && keys.has("user.name")
    ? []
    : ["-c", "user.name=orch", "-c", "user.email=orch@localhost"];
  _identities.set(repo, args);
  return args;
}

/**
 * Merges `commit` into the worktree's HEAD (`git merge --no-ff`), without
 * hooks. Clean: committed with `message` when `commitIfClean`. Conflicts are
 * left in the worktree (and MERGE_HEAD), for a person or worker to resolve.
 * Returns the conflicted paths.
 */
export function mergeInWorktree(
  worktree: string,
  commit: string,
  message: string,
  commitIfClean: boolean,
): string[] {
  const r = runGit(
    [
      ...NO_HOOKS,
      ...identityArgs(worktree),
      "merge",
      "--no-ff",
      "--quiet",
      ...(commitIfClean ? [] : ["--no-commit"]),
      "-m",
      message,
      commit,
    ],
    { cwd: worktree, allowCodes: [1] },
  );
  if (r.code === 0) return [];
  return runGit(["diff", "--name-only", "--diff-filter=U", "-z"], { cwd: worktree }).stdout
    .split("\0").filter((p) => p !== "");
}

/** A commit and its tree: the tree tells, without another git call, what a merge changed. */
export interface Tip {
  commit: string;
  tree: string;
}

/**
 * The object ids `revisions` name, in order, in one `git rev-parse`; null
 * when git exits with one of `allowCodes` (no such revision: 128). The
 * revisions are followed by `--`, so a file named like one is never taken
 * for it.
 */
function _revParse(
  repo: string,
  revisions: readonly string[],
  allowCodes: number[] = [],
): string[] | null {
  const r = runGit(["rev-parse", "--end-of-options", ...revisions, "--"], {
    cwd: repo,
    allowCodes,
  });
  if (r.code !== 0) return null;
  // Without --verify (which takes one argument only) git 2.39 echoes the separators.
  const ids = r.stdout.split("\n").map((l) => l.trim())
    .filter((l) => l !== "" && l !== "--end-of-options" && l !== "--");
  if (ids.length !== revisions.length) {
    throw new AppError(
      "GIT_ERROR",
      `git rev-parse gave ${ids.length} ids for ${revisions.length} revisions`,
      { revisions: [...revisions], stdout: r.stdout },
    );
  }
  return ids;
}

/** The trees of `commits`, in order, in one git call. */
export function treesOf(repo: string, commits: readonly string[]): string[] {
  if (commits.length === 0) return [];
  return _revParse(repo, commits.map((c) => `${c}^{tree}`))!;
}

/** What {@linkcode mergeCommits} made. */
export type MergeOutcome =
  | { kind: "merged"; commit: string; tree: string }
  | { kind: "already_contained"; commit: string; tree: string }
  | { kind: "fast_forward"; commit: string; tree: string }
  | { kind: "conflict"; paths: string[] };

/**
 * Merges `theirs` into `ours` in core. Already contained (an ancestor of
 * `ours`): nothing to do. With `theirs` as a {@linkcode Tip}, when `ours` is
 * an ancestor of it: a fast-forward to it. Otherwise a merge commit with
 * parents `ours`, `theirs` and `message`, or the conflicting paths.
 *
 * The merge runs first: only a result equal to one side's tree can be
 * either case (a merge with an ancestor yields the other side unchanged), so
 * the ancestry is asked of git only then, and a merge of independent work
 * costs merge-tree and commit-tree alone. The merge runs in orch's private
 * git directory (in_core.ts): no setting of the shared `.git` applies to it.
 */
export function mergeCommits(
  repo: string,
  ours: Tip,
  theirs: string | Tip,
  message: string,
): MergeOutcome {
  const theirCommit = typeof theirs === "string" ? theirs : theirs.commit;
  const inCore = inCoreRepo(repo);
  const out = runGit(
    [
      ...NO_HOOKS,
      "merge-tree",
      "--write-tree",
      "--name-only",
      "--no-messages",
      ours.commit,
      theirCommit,
    ],
    { cwd: repo, allowCodes: [1], ...(inCore ? { inCore } : {}) },
  );
  const lines = out.stdout.split("\n").filter((l) => l !== "");
  if (out.code === 1) {
    return { kind: "conflict", paths: [...new Set(lines.slice(1))] };
  }
  const tree = lines[0]!.trim();
  if (tree === ours.tree && isAncestor(repo, theirCommit, ours.commit)) {
    return { kind: "already_contained", commit: ours.commit, tree };
  }
  if (
    typeof theirs !== "string" && tree === theirs.tree && isAncestor(repo, ours.commit, theirCommit)
  ) {
    return { kind: "fast_forward", commit: theirCommit, tree };
  }
  const commit = runGit(
    [
      ...identityArgs(repo),
      "commit-tree",
      tree,
      "-p",
      ours.commit,
      "-p",
      theirCommit,
      "-m",
      message,
    ],
    { cwd: repo },
  ).stdout.trim();
  return { kind: "merged", commit, tree };
}

/** Whether `a` is an ancestor of (or equal to) `b`. */
export function isAncestor(repo: string, a: string, b: string): boolean {
  return runGit(["merge-base", "--is-ancestor", a, b], { cwd: repo, allowCodes: [1] }).code === 0;
}

/** The commit `refs/heads/<branch>` points at, or null when there is no such branch. */
export function branchHead(repo: string, branch: string): string | null {
  const r = runGit(
    ["rev-parse", "--verify", "--quiet", "--end-of-options", `refs/heads/${branch}^{commit}`],
    { cwd: repo, allowCodes: [1, 128] },
  );
  return r.code === 0 ? r.stdout.trim() : null;
}

/**
 * The commit and tree `refs/heads/<branch>` points at, in one git call, or
 * null when there is no such branch.
 */
export function branchTip(repo: string, branch: string): Tip | null {
  const ref = `refs/heads/${branch}`;
  const ids = _revParse(repo, [`${ref}^{commit}`, `${ref}^{tree}`], [128]);
  return ids && { commit: ids[0]!, tree: ids[1]! };
}

/** The worktree (path) that has `branch` checked out, or null. */
export function checkoutOf(repo: string, branch: string): string | null {
  const entries = parseWorktreeList(
    runGit(["worktree", "list", "--porcelain", "-z"], { cwd: repo }).stdout,
  );
  return entries.find((e) => e.branch === `refs/heads/${branch}`)?.path ?? null;
}

/**
 * Moves `branch` from `expected` to `next`, atomically, only if it still
 * points at `expected` (`git update-ref` with the old value). Throws
 * `TARGET_MOVED` otherwise.
 */
export function moveBranch(
  repo: string,
  branch: string,
  next: string,
  expected: string,
  reason: string,
): void {
  const r = runGit(
    ["update-ref", "-m", reason, `refs/heads/${branch}`, next, expected],
    { cwd: repo, allowCodes: [128, 1] },
  );
  if (r.code !== 0) throw targetMoved(branch, expected, r.stderr.trim());
}

/** `TARGET_MOVED`: the branch no longer points where the merge started. */
export function targetMoved(branch: string, expected: string, stderr = ""): AppError {
  return new AppError(
    "TARGET_MOVED",
    `Branch "${branch}" moved while merging (it was at ${
      expected.slice(0, 12)
    }): nothing was merged, run the merge again`,
    { branch, expected, stderr },
  );
}

/**
 * Fast-forwards the clean checkout at `worktree` (which has `branch` checked
 * out at `expected`) to `next`: `git merge --ff-only`, which refuses to touch
 * local changes and moves the branch only if it still points at `expected`.
 */
export function fastForwardCheckout(
  worktree: string,
  branch: string,
  next: string,
  expected: string,
): void {
  const r = runGit([...NO_HOOKS, "merge", "--ff-only", "--quiet", next], {
    cwd: worktree,
    allowCodes: [1, 128],
  });
  if (r.code !== 0) {
    throw new AppError(
      "TARGET_MOVED",
      `Cannot fast-forward the checkout of "${branch}" in "${worktree}" from ${
        expected.slice(0, 12)
      }: ${r.stderr.trim().split("\n")[0] ?? ""}`,
      { branch, worktree, expected, stderr: r.stderr.trim() },
    );
  }
}
