/**
 * The one source of truth for what each binary may do. `deno task compile`
 * passes these flags to `deno compile`; the tests spawn the CLIs through
 * `deno run` with exactly the same flags, so a test passing proves the
 * binaries need no more. (`deno.json`'s `inbox`/`orch` tasks repeat them;
 * tests/permissions_test.ts checks they agree.)
 */
export const PERMISSIONS = {
  /** Files, its capability token and store variables: nothing else (no network, no subprocess). */
  inbox: [
    "--allow-read",
    "--allow-write",
    "--allow-env=INBOX_TOKEN,INBOX_DB",
  ],
  /**
   * Files, running `git`, `sh` for the user's own `orch merge --check`
   * command, its token and store variables, and the loopback interface for
   * `orch board`: nothing else.
   */
  orch: [
    "--allow-read",
    "--allow-write",
    "--allow-run=git,sh",
    "--allow-env=ORCH_TOKEN,ORCH_DB",
    "--allow-net=127.0.0.1",
  ],
} as const;

/**
 * The flags for a PostgreSQL store (`--db postgres://...`, or `INBOX_DB` /
 * `ORCH_DB`): the SQLite set plus outgoing connections (the server's host is
 * only known at run time; listening on all interfaces stays denied) and the
 * libpq-style `PG*` variables the client reads (PGPASSWORD, PGUSER, ...).
 * The SQLite builds never get these: the launchers and `deno task inbox:pg`
 * / `orch:pg` add them only for a URL.
 */
export const POSTGRES_PERMISSIONS = {
  inbox: [
    "--allow-read",
    "--allow-write",
    "--allow-env=INBOX_TOKEN,INBOX_DB,PG*",
    "--allow-net",
    "--deny-net=0.0.0.0,[::]",
  ],
  orch: [
    "--allow-read",
    "--allow-write",
    "--allow-run=git,sh",
    "--allow-env=ORCH_TOKEN,ORCH_DB,PG*",
    "--allow-net",
    "--deny-net=0.0.0.0,[::]",
  ],
} as const;

/** Which permission set: the SQLite one, or the PostgreSQL one. */
export type StoreKind = "sqlite" | "postgres";

/** The flags `program` runs with for a store of `kind`. */
export function permissionsFor(program: Program, kind: StoreKind): readonly string[] {
  return kind === "postgres" ? POSTGRES_PERMISSIONS[program] : PERMISSIONS[program];
}

/** Whether a `--db` value (or `INBOX_DB` / `ORCH_DB`) names a PostgreSQL store. */
export { isPostgresUrl as isPostgresTarget } from "../src/storage/postgres/url.ts";

/** The store kind the tests run on by default (`TEST_BACKEND=postgres`: the matrix's second leg). */
function _defaultKind(): StoreKind {
  try {
    return Deno.env.get("TEST_BACKEND") === "postgres" ? "postgres" : "sqlite";
  } catch {
    return "sqlite"; // no env permission: a build script
  }
}

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
 * flag is unchanged. `sources` (same form) are added to the reads only: the
 * program's own source folders, which it reads when a command loads its
 * modules on demand (dynamic imports are checked against --allow-read).
 */
export function narrowedPermissions(
  program: Program,
  paths: string,
  sources?: string,
  kind: StoreKind = "sqlite",
): string[] {
  return permissionsFor(program, kind).map((flag) =>
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

/**
 * The `deno run` argv that runs `program` from source with the permissions
 * of a store of `kind` (default: SQLite's, the compile-time set; the
 * postgres leg of the tests sets TEST_BACKEND=postgres).
 */
export function cliCommand(program: Program, kind: StoreKind = _defaultKind()): string[] {
  return [
    "run",
    "--no-prompt",
    "--quiet",
    ...permissionsFor(program, kind),
    _ROOT + ENTRY_POINTS[program],
  ];
}
