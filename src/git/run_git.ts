/**
 * The one place that runs the `git` executable. Synchronous, and never called
 * inside a write transaction (git may run hooks that take any time).
 *
 * Every call runs with git's command-running knobs neutralised, since workers
 * can write to the repository orch runs git in (their worktree, and the
 * shared `.git`: config, hooks, attributes): see {@linkcode safeGitArgs} and
 * docs/security.md.
 *
 * @module
 */

import { AppError } from "../protocol/errors.ts";
import type { InCoreRepo } from "./in_core.ts";

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
  /**
   * Let git run the repository's hooks (`core.hooksPath` or `.git/hooks`).
   * Only when the user asked orch to (`--run-hooks`); default false.
   */
  runHooks?: boolean;
  /**
   * Run in orch's private git directory over the repository's objects (src/git/in_core.ts):
   * `GIT_DIR` is `gitDir`, `GIT_OBJECT_DIRECTORY` is `objects`, so git reads no config and no
   * attributes of the repository's `.git` (no driver overrides are needed). `merge-tree` only.
   */
  inCore?: InCoreRepo;
}

/** The subcommands that may run in orch's private git directory ({@linkcode RunGitOptions.inCore}). */
const _IN_CORE_SUBCOMMANDS: ReadonlySet<string> = new Set(["merge-tree"]);

/**
 * The git subcommands orch runs. Anything else is refused before git starts,
 * so no string can ever reach git as a subcommand (git resolves an unknown
 * subcommand through `alias.*`, which may be `!shell command`; built-in
 * names cannot be aliased).
 */
export const GIT_SUBCOMMANDS: ReadonlySet<string> = new Set([
  "branch",
  "cat-file",
  "check-ref-format",
  "checkout",
  "clean",
  "commit",
  "commit-tree",
  "config",
  "diff",
  // Only through src/git/remote.ts, with the transport settings of _transportConfig.
  "fetch",
  "for-each-ref",
  "log",
  "ls-files",
  "ls-tree",
  "merge",
  "merge-base",
  "merge-tree",
  // Only through src/git/remote.ts, with the transport settings of _transportConfig.
  "push",
  "read-tree",
  "reset",
  "rev-list",
  "rev-parse",
  "show",
  "show-ref",
  "status",
  "symbolic-ref",
  "update-ref",
  "worktree",
  "write-tree",
]);

/** Global options (before the subcommand) orch may pass. */
const _GLOBAL_OPTIONS: ReadonlySet<string> = new Set([
  "--no-optional-locks",
  "--literal-pathspecs",
  "--no-replace-objects",
]);

/** Settings orch may pass with `-c` before the subcommand: none of them runs anything. */
const _SAFE_CONFIG =
  /^((core\.quotepath|core\.abbrev|user\.name|user\.email|advice\.[a-z]+|color\.[a-z.]+|merge\.conflictstyle|diff\.renames|diff\.renamelimit)=.*|core\.hookspath=\/dev\/null)$/is;

/** Subcommands that read or write file contents, where filters and drivers could run. */
const _CONTENT_SUBCOMMANDS: ReadonlySet<string> = new Set([
  "checkout",
  "commit",
  "diff",
  "log",
  "merge",
  // In-core merges (orch merge, stacked dispatch) run merge drivers too.
  "merge-tree",
  "read-tree",
  "reset",
  "show",
  "status",
  "worktree",
]);

/**
 * Whether `git <args>` may read or write file contents, so that filters and drivers could run:
 * a content subcommand, except `worktree list` (it reads only the worktrees' bookkeeping).
 */
function _readsContent(args: string[], subcommand: string): boolean {
  if (!_CONTENT_SUBCOMMANDS.has(subcommand)) return false;
  return !(subcommand === "worktree" && args[args.indexOf(subcommand) + 1] === "list");
}

/** A `core.hooksPath` that cannot exist (`/dev/null` is no directory): no hook is ever found. */
export const NO_HOOKS_PATH = "/dev/null/orch-runs-no-hooks";

// Environment additions. Never prompt, never page, never edit, never ask for
// a password through a program, never fetch; messages we match stay in
// English. An empty GIT_ASKPASS turns askpass off (git checks for a
// non-empty value, and does not fall back to SSH_ASKPASS once it is set).
// The rest of the environment is inherited (reading it would need
// --allow-env; passing additions does not).
const _GIT_ENV: Record<string, string> = {
  GIT_TERMINAL_PROMPT: "0",
  GIT_ASKPASS: "",
  SSH_ASKPASS: "",
  GIT_PAGER: "cat",
  PAGER: "cat",
  GIT_EDITOR: "true",
  GIT_SEQUENCE_EDITOR: "true",
  GIT_EXTERNAL_DIFF: "",
  GIT_SSH: "",
  GIT_SSH_COMMAND: "",
  GIT_NO_LAZY_FETCH: "1",
  GIT_PROTOCOL_FROM_USER: "0",
  LC_ALL: "C",
  LANGUAGE: "C",
};

/**
 * Configuration given on every git command line (it wins over every config
 * file, including one a worker wrote): no fsmonitor hook, no hooks (unless
 * `runHooks`), no transport at all (so no ssh command, credential helper or
 * lazy fetch of a partial clone), no signing program, no background gc.
 */
function _fixedConfig(runHooks: boolean): string[] {
  return [
    "core.fsmonitor=false",
    ...(runHooks ? [] : [`core.hooksPath=${NO_HOOKS_PATH}`]),
    "core.sshCommand=false",
    "core.askPass=",
    "core.pager=cat",
    "core.editor=true",
    "sequence.editor=true",
    "protocol.allow=never",
    "credential.helper=",
    "diff.external=",
    "commit.gpgSign=false",
    "tag.gpgSign=false",
    "log.showSignature=false",
    "merge.verifySignatures=false",
    "gc.auto=0",
    "maintenance.auto=false",
  ];
}

/** Subcommands that talk to a remote: the only ones some transports are allowed for. */
const _TRANSPORT_SUBCOMMANDS: ReadonlySet<string> = new Set(["fetch", "push"]);

/**
 * Settings added (after {@linkcode _fixedConfig}, so they win) for `fetch` and `push`: the
 * `file`, `ssh` and `https` transports only (a repository's own `protocol.<name>.allow` wins over
 * `protocol.allow`, so the ones that run commands or talk in clear are denied by name), no
 * alternate-refs command, no bundle URIs, no submodule recursion, no push signing, objects
 * checked as they arrive. Callers also pass `--upload-pack` / `--receive-pack` explicitly.
 */
const _TRANSPORT_CONFIG: readonly string[] = [
  "protocol.file.allow=always",
  "protocol.ssh.allow=always",
  "protocol.https.allow=always",
  "protocol.ext.allow=never",
  "protocol.fd.allow=never",
  "protocol.git.allow=never",
  "protocol.http.allow=never",
  "core.alternateRefsCommand=true",
  "transfer.bundleURI=false",
  "fetch.recurseSubmodules=false",
  "push.recurseSubmodules=no",
  "submodule.recurse=false",
  "push.gpgSign=false",
  "transfer.fsckObjects=true",
];

/**
 * `ssh` is the user's own program from PATH (their ~/.ssh/config and agent apply); the
 * repository's `core.sshCommand` does not (the environment wins over config).
 */
const _TRANSPORT_ENV: Record<string, string> = { GIT_SSH_COMMAND: "ssh" };

/** A config key that names a program git may run for content: filters, diff and merge drivers. */
const _DRIVER_KEY =
  /^(filter\.(.+)\.(clean|smudge|process)|diff\.(.+)\.(textconv|command)|merge\.(.+)\.driver)$/i;

/** A repository-defined merge driver's key, overridden with {@linkcode _REFUSING_MERGE_DRIVER}. */
const _MERGE_DRIVER_KEY = /^merge\.(.+)\.driver$/i;
/** A merge driver that merges nothing: the path is left conflicted. */
const _REFUSING_MERGE_DRIVER = "false";

const _decoder = new TextDecoder();

/**
 * Runs `git <args>` in `options.cwd` and returns its exit code and output,
 * with the command-running knobs neutralised (see the module doc).
 *
 * Arguments are passed as an array, never through a shell; the subcommand
 * must be one of {@linkcode GIT_SUBCOMMANDS} (`INTERNAL` otherwise, before
 * git starts). Throws `GIT_ERROR` (with `args`, `cwd`, `exit_code` and
 * `stderr` in the details) when git exits with a code that is neither 0 nor
 * in `allowCodes`, and when git cannot be started at all (not installed, not
 * permitted, missing cwd).
 */
export function runGit(args: string[], options: RunGitOptions): GitResult {
  const { cwd, allowCodes = [] } = options;
  const subcommand = _subcommand(args);
  const transport = _TRANSPORT_SUBCOMMANDS.has(subcommand);
  const config = [
    ..._fixedConfig(options.runHooks === true),
    ...(transport ? _TRANSPORT_CONFIG : []),
  ];
  const inCore = options.inCore;
  if (inCore && !_IN_CORE_SUBCOMMANDS.has(subcommand)) {
    throw new AppError(
      "INTERNAL",
      `Refusing to run git ${subcommand} in the private git directory`,
      {
        args,
      },
    );
  }
  // In the private directory git reads none of the repository's config: nothing to override.
  const drivers = _readsContent(args, subcommand) && !inCore ? _driverOverrides(cwd) : [];
  // Driver names are the user's: passed as GIT_CONFIG_KEY_n / GIT_CONFIG_VALUE_n, where no
  // character of a name can change how git splits key from value (with -c, "=" would).
  const env: Record<string, string> = {
    ..._GIT_ENV,
    ...(transport ? _TRANSPORT_ENV : {}),
    ...(inCore
      ? {
        GIT_DIR: inCore.gitDir,
        GIT_COMMON_DIR: inCore.gitDir,
        GIT_OBJECT_DIRECTORY: inCore.objects,
      }
      : {}),
    GIT_CONFIG_COUNT: String(drivers.length),
  };
  drivers.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  const result = _spawn(
    [...config.flatMap((c) => ["-c", c]), "--no-pager", ...args],
    cwd,
    args,
    env,
  );
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

/**
 * The `-c` settings that switch off every filter, diff driver and merge
 * driver the repository's own config (local or per-worktree scope, which
 * workers can write) defines: each such key is set empty, or back to the
 * user's global/system value when there is one (so a user's Git LFS keeps
 * working).
 */
function _driverOverrides(cwd: string): Array<[string, string]> {
  const out = _spawn(
    [
      "-c",
      "core.fsmonitor=false",
      "config",
      "--null",
      "--show-scope",
      "--get-regexp",
      "^(filter|diff|merge)\\.",
    ],
    cwd,
    ["config"],
    _GIT_ENV,
  );
  if (out.code !== 0) return []; // no keys (1), or not in a repository: nothing to override
  const fromRepo = new Set<string>();
  const trusted = new Map<string, string>();
  // Records are "<scope>\0<key>\n<value>\0".
  const fields = out.stdout.split("\0");
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const scope = fields[i]!;
    const record = fields[i + 1]!;
    const nl = record.indexOf("\n");
    const key = nl < 0 ? record : record.slice(0, nl);
    if (!_DRIVER_KEY.test(key)) continue;
    if (scope === "system" || scope === "global" || scope === "command") {
      trusted.set(key, nl < 0 ? "" : record.slice(nl + 1));
    } else fromRepo.add(key);
  }
  // An empty merge driver makes git fail the whole merge ("cannot run"); `false` (the system's,
  // no code of the repository's) reports the path as conflicted instead, as a refusing driver would.
  return [...fromRepo].map((
    key,
  ) => [key, trusted.get(key) ?? (_MERGE_DRIVER_KEY.test(key) ? _REFUSING_MERGE_DRIVER : "")]);
}

function _spawn(
  fullArgs: string[],
  cwd: string,
  args: string[],
  env: Record<string, string>,
): GitResult {
  let output: Deno.CommandOutput;
  try {
    output = new Deno.Command("git", {
      args: fullArgs,
      cwd,
      env,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).outputSync();
  } catch (err) {
    throw _spawnError(err, args, cwd);
  }
  return {
    code: output.code,
    stdout: _decoder.decode(output.stdout),
    stderr: _decoder.decode(output.stderr),
  };
}

/**
 * The subcommand of `args` (`"version"` for a lone `--version`), after
 * checking every global option and `-c` setting before it against the
 * allowed ones. Refused (`INTERNAL`: a bug in orch) before git starts.
 */
function _subcommand(args: string[]): string {
  if (args.length === 1 && args[0] === "--version") return "version";
  let i = 0;
  for (;;) {
    const a = args[i];
    if (a !== undefined && _GLOBAL_OPTIONS.has(a)) i++;
    else if (a === "-c" && _SAFE_CONFIG.test(args[i + 1] ?? "")) i += 2;
    else break;
  }
  const sub = args[i];
  if (sub === undefined || !GIT_SUBCOMMANDS.has(sub)) {
    throw new AppError("INTERNAL", `Refusing to run git with "${sub ?? ""}" as its subcommand`, {
      args,
    });
  }
  return sub;
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
