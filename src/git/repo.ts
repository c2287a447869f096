/**
 * Repository discovery, cleanliness and base resolution for code-mode
 * dispatch.
 *
 * @module
 */

import { isAbsolute, relative, resolve, sep } from "../path.ts";
import { AppError } from "../protocol/errors.ts";
import { runGit } from "./run_git.ts";

/** Options for {@linkcode isRepoClean}. */
export interface CleanOptions {
  /**
   * Paths (absolute, or relative to the repository top level) whose contents
   * never make the repository dirty, typically the worktree root
   * `.orch/worktrees`. Paths outside the repository are ignored. Default: none.
   */
  ignorePaths?: string[];
}

/** Options for {@linkcode resolveBase}. */
export interface ResolveBaseOptions extends CleanOptions {
  /** The revision to branch from; when absent the clean `HEAD` is used. */
  baseRef?: string;
}

/** A committed base for new attempt branches. */
export interface ResolvedBase {
  /** The ref as given, or the current branch name, or `"HEAD"` when detached. */
  baseRef: string;
  /** The full commit id the ref resolves to. */
  baseCommit: string;
}

/**
 * The absolute top level of the work tree containing `path` (symlinks
 * resolved, as git reports it). Throws `NOT_A_REPO` if `path` does not exist
 * or is not inside a git work tree. The same git call tells the repository's
 * common git directory and object format ({@linkcode repoObjects}).
 */
export function discoverRepo(path: string): string {
  const dir = resolve(path);
  let stat: Deno.FileInfo;
  try {
    stat = Deno.statSync(dir);
  } catch {
    throw new AppError("NOT_A_REPO", `Path "${dir}" does not exist`, { path: dir });
  }
  const cwd = stat.isDirectory ? dir : resolve(dir, "..");
  const out = runGit(["rev-parse", "--show-toplevel", ..._OBJECTS_ARGS], {
    cwd,
    allowCodes: [128],
  });
  const [top = "", commonDir = "", objectFormat = ""] = out.stdout.split("\n").map((l) => l.trim());
  if (out.code !== 0 || top === "") {
    throw new AppError("NOT_A_REPO", `Path "${dir}" is not inside a git work tree`, {
      path: dir,
      stderr: out.stderr.trim(),
    });
  }
  if (commonDir !== "" && objectFormat !== "") _objects.set(top, { commonDir, objectFormat });
  return top;
}

/** Where a repository keeps what its worktrees share, and how it names objects. */
export interface RepoObjects {
  /** The common git directory, absolute (`.git` of the main worktree): objects, refs, config. */
  commonDir: string;
  /** `sha1` or `sha256`. */
  objectFormat: string;
}

/** The `rev-parse` options that print {@linkcode RepoObjects}, in its order. */
const _OBJECTS_ARGS = ["--path-format=absolute", "--git-common-dir", "--show-object-format"];

/** {@linkcode RepoObjects} per repository path, from discoverRepo or one git call, per process. */
const _objects = new Map<string, RepoObjects>();

/**
 * The common git directory and object format of the repository whose work
 * tree is at `repo`: what {@linkcode discoverRepo} learned, else one
 * `git rev-parse` (remembered for the process).
 */
export function repoObjects(repo: string): RepoObjects {
  const known = _objects.get(repo);
  if (known) return known;
  const [commonDir = "", objectFormat = ""] = runGit(["rev-parse", ..._OBJECTS_ARGS], { cwd: repo })
    .stdout.split("\n").map((l) => l.trim());
  const found = { commonDir: resolve(repo, commonDir), objectFormat };
  _objects.set(repo, found);
  return found;
}

/**
 * Whether the work tree whose top level is `repo` (as returned by
 * {@linkcode discoverRepo}) has no staged, unstaged or untracked changes (files matched by .gitignore do not count), leaving out anything
 * under `options.ignorePaths`.
 */
export function isRepoClean(repo: string, options: CleanOptions = {}): boolean {
  const excludes = _excludePathspecs(repo, options.ignorePaths ?? []);
  const out = runGit(
    [
      "--no-optional-locks",
      "status",
      "--porcelain=v1",
      "-z",
      "--untracked-files=normal",
      "--ignore-submodules=none",
      "--",
      ".",
      ...excludes,
    ],
    { cwd: repo },
  );
  return out.stdout === "";
}

/**
 * Resolves the commit new attempt branches start from.
 *
 * With `baseRef`: resolves `<baseRef>^{commit}`; uncommitted changes are
 * allowed since they are not part of the base. Throws `BASE_REF_NOT_FOUND`
 * for an unknown ref and for a value that could be read as an option or is
 * otherwise malformed (empty, leading `-`, whitespace or control characters).
 *
 * Without `baseRef`: the repository must be clean (`DIRTY_REPO` otherwise,
 * see {@linkcode isRepoClean}) and have a commit (`BASE_REF_NOT_FOUND`
 * otherwise); the base is `HEAD`, named by the current branch.
 */
export function resolveBase(repo: string, options: ResolveBaseOptions = {}): ResolvedBase {
  const { baseRef } = options;
  if (baseRef !== undefined) {
    _checkRevision(repo, baseRef);
    const commit = _resolveCommit(repo, baseRef);
    if (commit === null) {
      throw new AppError(
        "BASE_REF_NOT_FOUND",
        `Base ref "${baseRef}" does not name a commit in "${repo}"`,
        { repo, base_ref: baseRef },
      );
    }
    return { baseRef, baseCommit: commit };
  }
  if (!isRepoClean(repo, options.ignorePaths ? { ignorePaths: options.ignorePaths } : {})) {
    throw new AppError(
      "DIRTY_REPO",
      `Repository "${repo}" has uncommitted changes: commit them or name a base ref`,
      { reason: "repo_dirty", repo },
    );
  }
  const commit = _resolveCommit(repo, "HEAD");
  if (commit === null) {
    throw new AppError(
      "BASE_REF_NOT_FOUND",
      `Repository "${repo}" has no commits: commit something or name a base ref`,
      { reason: "repo_empty", repo, base_ref: "HEAD" },
    );
  }
  const branch = runGit(["symbolic-ref", "--quiet", "--short", "HEAD"], {
    cwd: repo,
    allowCodes: [1],
  });
  const name = _chomp(branch.stdout);
  return { baseRef: branch.code === 0 && name !== "" ? name : "HEAD", baseCommit: commit };
}

/** The full id of the commit `rev` names, or null if it names none. */
function _resolveCommit(repo: string, rev: string): string | null {
  const out = runGit(
    ["rev-parse", "--verify", "--quiet", "--end-of-options", `${rev}^{commit}`],
    { cwd: repo, allowCodes: [1, 128] },
  );
  const id = out.stdout.trim();
  return out.code === 0 && /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(id) ? id : null;
}

/**
 * Rejects revisions that could be taken as an option or that no ref or
 * revision expression can contain (whitespace, control characters, `\`),
 * before git sees them.
 */
function _checkRevision(repo: string, rev: string): void {
  // deno-lint-ignore no-control-regex
  if (rev === "" || rev.startsWith("-") || /[\x00-\x20\x7f\\]/.test(rev) || rev.length > 1024) {
    throw new AppError("BASE_REF_NOT_FOUND", `Base ref "${rev}" is not a valid revision`, {
      repo,
      base_ref: rev,
    });
  }
}

function _excludePathspecs(repo: string, ignorePaths: string[]): string[] {
  const top = _realPath(repo);
  const specs: string[] = [];
  for (const p of ignorePaths) {
    const abs = isAbsolute(p) ? _realPath(p) : resolve(top, p);
    const rel = relative(top, abs);
    // The top level itself would exclude everything; outside paths never show.
    if (rel === "" || isAbsolute(rel) || rel === ".." || rel.startsWith(`..${sep}`)) continue;
    specs.push(`:(exclude,literal)${rel.split(sep).join("/")}`);
  }
  return specs;
}

/** The canonical path if it exists (git reports canonical paths), else as resolved. */
function _realPath(path: string): string {
  try {
    return Deno.realPathSync(path);
  } catch {
    return resolve(path);
  }
}

/** Drops the single trailing newline git adds, keeping any other whitespace. */
function _chomp(s: string): string {
  return s.endsWith("\n") ? s.slice(0, -1) : s;
}
