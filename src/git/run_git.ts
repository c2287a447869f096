/**
 * The one place that runs the `git` executable. Synchronous, and never called
 * inside a write transaction (git may run hooks that take any time).
 *
 * @module
 */

import { AppError } from "../protocol/errors.ts";

/** What a finished git process produced. */
export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options for {@linkcode runGit}. */
export interface RunGitOptions {
  /** Directory git runs in. */
  cwd: string;
  /** Exit codes other than 0 that are not failures (default: none). */
  allowCodes?: number[];
}

// Fixed environment additions: never prompt for credentials, and keep the
// messages we match on in English. The rest of the environment is inherited
// (reading it would need --allow-env; passing additions does not).
const _GIT_ENV = { GIT_TERMINAL_PROMPT: "0", LC_ALL: "C", LANGUAGE: "C" };

const _decoder = new TextDecoder();

/**
 * Runs `git <args>` in `options.cwd` and returns its exit code and output.
 *
 * Arguments are passed as an array, never through a shell. Throws
 * `GIT_ERROR` (with `args`, `cwd`, `exit_code` and `stderr` in the details)
 * when git exits with a code that is neither 0 nor in `allowCodes`, and when
 * git cannot be started at all (not installed, not permitted, missing cwd).
 */
export function runGit(args: string[], options: RunGitOptions): GitResult {
  const { cwd, allowCodes = [] } = options;
  let output: Deno.CommandOutput;
  try {
    output = new Deno.Command("git", {
      args,
      cwd,
      env: _GIT_ENV,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).outputSync();
  } catch (err) {
    throw _spawnError(err, args, cwd);
  }
  const result: GitResult = {
    code: output.code,
    stdout: _decoder.decode(output.stdout),
    stderr: _decoder.decode(output.stderr),
  };
  if (result.code !== 0 && !allowCodes.includes(result.code)) {
    const stderr = result.stderr.trim();
    throw new AppError(
      "GIT_ERROR",
      `Command "git ${args.join(" ")}" failed with exit code ${result.code}` +
        (stderr === "" ? "" : `: ${_firstLine(stderr)}`),
      { args, cwd, exit_code: result.code, stderr },
    );
  }
  return result;
}

function _spawnError(err: unknown, args: string[], cwd: string): AppError {
  const reason = err instanceof Error ? err.message : String(err);
  const details = { args, cwd, reason };
  if (err instanceof Deno.errors.NotCapable || err instanceof Deno.errors.PermissionDenied) {
    return new AppError("GIT_ERROR", `Not permitted to run "git": ${reason}`, details);
  }
  if (err instanceof Deno.errors.NotFound) {
    // Deno reports a missing cwd and a missing executable the same way.
    if (!_isDirectory(cwd)) {
      return new AppError("GIT_ERROR", `Cannot run git in "${cwd}": not a directory`, details);
    }
    return new AppError("GIT_ERROR", `The "git" executable was not found: ${reason}`, details);
  }
  return new AppError("GIT_ERROR", `Cannot start "git": ${reason}`, details);
}

function _isDirectory(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch {
    return false;
  }
}

function _firstLine(text: string): string {
  const line = text.split("\n", 1)[0] ?? "";
  return line.startsWith("fatal: ") ? line.slice("fatal: ".length) : line;
}
