/**
 * The one source of truth for what each binary may do. `deno task compile`
 * passes these flags to `deno compile`; the tests spawn the CLIs through
 * `deno run` with exactly the same flags, so a test passing proves the
 * binaries need no more. (`deno.json`'s `inbox`/`orch` tasks repeat them;
 * tests/permissions_test.ts checks they agree.)
 */
export const PERMISSIONS = {
  /** Files only: no subprocesses, no network, no FFI, no environment. */
  inbox: ["--allow-read", "--allow-write"],
  /**
   * inbox's rights plus running `git` and loopback networking (`orch board`
   * listens on 127.0.0.1; no other host is reachable), and nothing else.
   */
  orch: ["--allow-read", "--allow-write", "--allow-run=git", "--allow-net=127.0.0.1"],
} as const;

export type Program = keyof typeof PERMISSIONS;

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
