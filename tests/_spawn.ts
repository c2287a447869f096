/**
 * Helpers for CLI processes a test keeps running while it acts on the
 * database: spawn with the compile-time permissions, read stdout line by
 * line, and see whether a process has the database open yet.
 */
import { isPgUrl, scalar } from "./_db.ts";
import { cliCommand } from "./_cli.ts";
import type { Program } from "../scripts/permissions.ts";

const ROOT = new URL("..", import.meta.url).pathname;

/** A running CLI process and whether it has exited. */
export interface Running {
  child: Deno.ChildProcess;
  /** True once the process has exited. */
  exited(): boolean;
  /**
   * Sends `signal` unless the process has already exited: it may exit between any check and the
   * kill (Deno then throws "Child process has already terminated"), which is no failure.
   */
  killIfRunning(signal: Deno.Signal): void;
}

/** Starts `deno <args>` in the repository root (stdout/stderr piped, no stdin). */
function spawnDeno(args: string[]): Running {
  const child = new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  let done = false;
  child.status.then(() => done = true);
  return {
    child,
    exited: () => done,
    killIfRunning(signal) {
      if (done) return;
      try {
        child.kill(signal);
      } catch (err) {
        if (!(err instanceof TypeError && /already terminated/.test(err.message))) throw err;
      }
    },
  };
}

/** Starts `program args...` (stdout/stderr piped, no stdin). */
export function spawnCli(program: Program, args: string[]): Running {
  return spawnDeno([...cliCommand(program), ...args]);
}

/** Starts a script with exactly the given permission flags. */
export function spawnScript(
  script: string,
  permissions: readonly string[],
  args: string[],
): Running {
  return spawnDeno(["run", "--no-prompt", "--quiet", ...permissions, script, ...args]);
}

/** Splits a byte stream into lines (without the newline); a last partial line is dropped. */
export async function* lines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let buffered = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    buffered += chunk;
    let nl: number;
    while ((nl = buffered.indexOf("\n")) >= 0) {
      yield buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
    }
  }
}

/**
 * Whether process `pid` has `path` open, from `ls -l /proc/PID/fd` (Deno
 * itself may read /proc only with --allow-all). Off Linux it answers true,
 * so callers fall back to not waiting. For a PostgreSQL store (`path` a
 * URL): whether a session on that database is LISTENing (a waiter asleep on
 * its change feed), as the tests run one waiter per database.
 */
export async function hasFileOpen(pid: number, path: string): Promise<boolean> {
  if (isPgUrl(path)) {
    const database = decodeURIComponent(new URL(path).pathname.slice(1));
    const n = await scalar(
      path,
      "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = ? AND query ILIKE 'listen%'",
      database,
    );
    return Number(n) > 0;
  }
  if (Deno.build.os !== "linux") return true;
  const target = await Deno.realPath(path);
  const out = await new Deno.Command("ls", {
    args: ["-l", `/proc/${pid}/fd`],
    stdout: "piped",
    stderr: "null",
  }).output();
  return new TextDecoder().decode(out.stdout).split("\n").some((l) => l.endsWith(` -> ${target}`));
}
