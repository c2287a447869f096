/**
 * The one source of truth for what each binary may do. `deno task compile`
 * passes these flags to `deno compile`; the tests spawn the CLIs through
 * `deno run` with exactly the same flags, so a test passing proves the
 * binaries need no more. (`deno.json`'s `inbox`/`orch` tasks repeat them;
 * tests/permissions_test.ts checks they agree.)
 */
export const PERMISSIONS = {
  /**
   * Files, its capability token variable, and for a PostgreSQL store
   * (`--db postgres://...`) outgoing connections to the server and the
   * libpq-style `PG*` variables its client reads (PGPASSWORD, PGUSER, ...).
   * Listening on all interfaces is denied; no subprocesses, no FFI.
   */
  inbox: [
    "--allow-read",
    "--allow-write",
    "--allow-env=INBOX_TOKEN,PG*",
    "--allow-net",
    "--deny-net=0.0.0.0,[::]",
  ],
  /**
   * Files, running `git`, `sh` for the user's own `orch merge --check`
   * command, its own token variable and the `PG*` variables, networking for
   * a PostgreSQL store and for `orch board` (which listens on 127.0.0.1;
   * listening on all interfaces is denied): nothing else.
   */
  orch: [
    "--allow-read",
    "--allow-write",
    "--allow-run=git,sh",
    "--allow-env=ORCH_TOKEN,PG*",
    "--allow-net",
    "--deny-net=0.0.0.0,[::]",
  ],
} as const;

/**
 * A flag as one shell word: single-quoted when it holds glob characters
 * (`PG*`, `[::]`), so no shell expands it; a flag with a `$` expansion (see
 * {@linkcode narrowedPermissions}) is left for the shell to expand.
 */
export function shellFlag(flag: string): string {
  return /[*?[\]]/.test(flag) && !flag.includes("$") ? `'${flag}'` : flag;
}

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
 * flag is unchanged.
 */
export function narrowedPermissions(program: Program, paths: string): string[] {
  return PERMISSIONS[program].map((flag) =>
    flag === "--allow-read" || flag === "--allow-write" ? `${flag}=${paths}` : flag
  );
}

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
