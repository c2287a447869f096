/**
 * Handing a code attempt's branch to a worker on another host and back:
 * pushing a branch to a git remote and fetching it into a private ref. The
 * transport settings (which protocols, no hooks, no helpers) are added by
 * {@linkcode runGit} for `push` and `fetch`; see docs/security.md.
 *
 * Synchronous and slow (network): never called inside a write transaction.
 *
 * @module
 */

import { AppError } from "../protocol/errors.ts";
import { runGit } from "./run_git.ts";

/** A remote's name as orch accepts it: what `git remote add` would take, without surprises. */
const _REMOTE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** URLs and paths handed to git as they are: an absolute path, or file/ssh/https, or scp-like. */
const _URL = /^(\/|file:\/\/|ssh:\/\/|https:\/\/|[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:)/;

/** Control characters: never part of a URL orch passes on. */
// deno-lint-ignore no-control-regex
const _CONTROL = /[\x00-\x1f\x7f]/;

/** Where {@linkcode fetchBranch} puts what it fetched: outside refs/heads, removed afterwards. */
export const COLLECT_REF_PREFIX = "refs/orch-collect/";

/**
 * The URL git should talk to for `remote`: a remote configured in `repo`
 * (`remote.<name>.pushurl` for a push when set, else `remote.<name>.url`),
 * or `remote` itself when it is an absolute path or a `file://`, `ssh://`,
 * `https://` or `user@host:path` URL. `REMOTE_NOT_FOUND` otherwise.
 */
export function remoteUrl(repo: string, remote: string, direction: "fetch" | "push"): string {
  if (
    remote.length <= 4096 && !_CONTROL.test(remote) && !remote.includes("::") && _URL.test(remote)
  ) {
    return remote;
  }
  if (_REMOTE_NAME.test(remote) && !remote.includes("..")) {
    const keys = direction === "push" ? ["pushurl", "url"] : ["url"];
    for (const key of keys) {
      const r = runGit(["config", "--get", `remote.${remote}.${key}`], {
        cwd: repo,
        allowCodes: [1],
      });
      const url = r.stdout.trim();
      if (r.code === 0 && url !== "") {
        if (url.startsWith("-")) break;
        return url;
      }
    }
  }
  throw new AppError(
    "REMOTE_NOT_FOUND",
    `Remote "${remote}" is not configured in "${repo}" and is not a URL or an absolute path`,
    { repo, remote },
  );
}

/**
 * Pushes `commit` to `refs/heads/<branch>` at `url`, never forced: the remote
 * refuses anything but a new branch or a fast-forward. `REMOTE_ERROR` (with
 * git's message) when git cannot reach the remote or the remote refuses.
 */
export function pushBranch(repo: string, url: string, commit: string, branch: string): void {
  const r = runGit(
    [
      "push",
      "--quiet",
      "--no-verify",
      "--no-recurse-submodules",
      "--receive-pack=git-receive-pack",
      "--",
      url,
      `${commit}:refs/heads/${branch}`,
    ],
    { cwd: repo, allowCodes: [1, 128] },
  );
  if (r.code !== 0) {
    const stderr = r.stderr.trim();
    const rejected = /\[rejected\]|non-fast-forward|fetch first|failed to push/.test(stderr);
    throw new AppError(
      "REMOTE_ERROR",
      rejected
        ? `Remote "${url}" refused branch "${branch}": it already has other commits there (nothing was pushed)`
        : `Cannot push branch "${branch}" to "${url}": ${_firstLine(stderr)}`,
      { url, branch, commit, stderr },
    );
  }
}

/**
 * Fetches `refs/heads/<branch>` from `url` into `ref` (overwriting it) and
 * returns the commit fetched. `REMOTE_NOT_FOUND` when the remote has no such
 * branch, `REMOTE_ERROR` when git cannot reach the remote.
 */
export function fetchBranch(repo: string, url: string, branch: string, ref: string): string {
  const r = runGit(
    [
      "fetch",
      "--quiet",
      "--no-tags",
      "--no-recurse-submodules",
      "--no-write-fetch-head",
      "--upload-pack=git-upload-pack",
      "--",
      url,
      `+refs/heads/${branch}:${ref}`,
    ],
    { cwd: repo, allowCodes: [1, 128] },
  );
  if (r.code !== 0) {
    const stderr = r.stderr.trim();
    if (/couldn't find remote ref/i.test(stderr)) {
      throw new AppError(
        "REMOTE_NOT_FOUND",
        `Remote "${url}" has no branch "${branch}": publish it first`,
        { url, branch, stderr },
      );
    }
    throw new AppError(
      "REMOTE_ERROR",
      `Cannot fetch branch "${branch}" from "${url}": ${_firstLine(stderr)}`,
      { url, branch, stderr },
    );
  }
  return runGit(["rev-parse", "--verify", "--end-of-options", `${ref}^{commit}`], { cwd: repo })
    .stdout.trim();
}

/** Deletes `ref` if it exists (the private ref a fetch used). */
export function dropRef(repo: string, ref: string): void {
  runGit(["update-ref", "-d", ref], { cwd: repo, allowCodes: [1, 128] });
}

function _firstLine(text: string): string {
  const line = text.split("\n").find((l) => l.startsWith("fatal: ") || l.startsWith("error: ")) ??
    text.split("\n", 1)[0] ?? "";
  return line.replace(/^(fatal|error): /, "");
}
