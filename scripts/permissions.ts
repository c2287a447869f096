/**
 * The one source of truth for what each binary may do. `deno task compile`
 * passes these flags to `deno compile`; the tests spawn the CLIs through
 * `deno run` with exactly the same flags, so a test passing proves the
 * binaries need no more. (`deno.json`'s `inbox`/`orch` tasks repeat them;
 * tests/permissions_test.ts checks they agree.)
 */
export const PERMISSIONS = {
  /** Files, and one environment variable (its capability token): no subprocesses, no network, no FFI. */
  inbox: ["--allow-read", "--allow-write", "--allow-env=INBOX_TOKEN"],
  /**
   * Files, running `git`, `sh` for the user's own `orch merge --check`
   * command, its own token variable, and loopback networking (`orch board`
   * listens on 127.0.0.1; no other host is reachable): nothing else.
   */
  orch: [
    "--allow-read",
    "--allow-write",
    "--allow-run=git,sh",
    "--allow-env=ORCH_TOKEN",
    "--allow-net=127.0.0.1",
  ],
} as const;

export type Program = keyof typeof PERMISSIONS;

/**
 * The environment variable each skill launcher reads for a narrower file
 * allow-list: a comma-separated list of paths (for a worker, the database's
 * directory plus its worktree). When set, the launcher runs the sources with
 * {@linkcode narrowedPermissions} instead of the compiled binary, whose
 * permissions are fixed when it is built.
 */
export const ALLOW_PATHS_ENV: Record<Program, string> = {
  inbox: "INBOX_ALLOW_PATHS",
  orch: "ORCH_ALLOW_PATHS",
};

/**
 * `PERMISSIONS[program]` with file reads and writes limited to `paths` (a
 * comma-separated list, or a shell word that expands to one); every other
 * flag is unchanged. `sources` (same form) are added to the reads only: the
 * program's own source folders, which it reads when a command loads its
 * modules on demand (dynamic imports are checked against --allow-read).
 */
export function narrowedPermissions(program: Program, paths: string, sources?: string): string[] {
  return PERMISSIONS[program].map((flag) =>
    flag === "--allow-read"
      ? `${flag}=${sources ? `${paths},${sources}` : paths}`
      : flag === "--allow-write"
      ? `${flag}=${paths}`
      : flag
  );
}

/** The folders, under the repository root, a program run from source reads its modules from. */
export const SOURCE_DIRS = ["src", "schema", "skills"] as const;

/** Entry point of each program. */
export const ENTRY_POINTS: Record<Program, string> = {
  inbox: "src/inbox.ts",
  orch: "src/orch.ts",
};

const _ROOT = new URL("..", import.meta.url).pathname;

/** The `deno run` argv that runs `program` from source with its compile-time permissions. */
export function cliCommand(program: Program): string[] {
  return ["run", "--no-prompt", "--quiet", ...PERMISSIONS[program], _ROOT + ENTRY_POINTS[program]];
}
