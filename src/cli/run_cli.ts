import { run } from "@stricli/core";
import type { Db } from "../storage/db.ts";
import { openStorage, STORE_ENV, storeTarget } from "../storage/open_storage.ts";
import { AppError, toAppError } from "../protocol/errors.ts";
import { systemClock } from "../store/clock.ts";
import { commandWord, normalizeArgv, type RouteLike, routeNamed } from "./argv.ts";
import type { LazyApp } from "./lazy_app.ts";
import type { CliContext, Out } from "./context.ts";
import type { BoundedRead } from "./read_bounded.ts";
import { printError } from "./respond.ts";
import { okEnvelope } from "../protocol/envelope.ts";

const _encoder = new TextEncoder();

/**
 * A synchronous writer for stdout or stderr. When the reader goes away
 * (`orch status | head`), the rest of the output is dropped quietly, as
 * command-line tools do, instead of failing the command with a trace.
 */
function _writer(stream: { writeSync(p: Uint8Array): number }): Out {
  let closed = false;
  const writeBytes = (bytes: Uint8Array) => {
    if (closed) return;
    try {
      while (bytes.length > 0) bytes = bytes.subarray(stream.writeSync(bytes));
    } catch (err) {
      if (!(err instanceof Deno.errors.BrokenPipe)) throw err;
      closed = true;
    }
  };
  return { write: (text: string) => writeBytes(_encoder.encode(text)), writeBytes };
}

/** Where an in-process run of a command reads and writes (the MCP servers' tool calls). */
export interface CliIo {
  stdout: Out;
  stderr: Out;
  /** An open database every command uses, whatever --db says; left open at the end. */
  db: Db;
  readStdin(limit: number): Promise<BoundedRead>;
}

/**
 * Runs a stricli application with our conventions: global flags pulled out
 * of argv first, parse errors turned into the JSON error envelope with exit
 * status 2, and the database closed at the end. Returns the exit status.
 * With `io`, the command runs in-process on those streams and that database.
 * Only the command the line names is built (see lazy_app.ts).
 */
export async function runCli(
  lazy: LazyApp<CliContext>,
  program: "inbox" | "orch",
  argv: readonly string[],
  io?: CliIo,
): Promise<number> {
  const stdout = io?.stdout ?? _writer(Deno.stdout);
  const stderr = io?.stderr ?? _writer(Deno.stderr);
  let db: Db | undefined = io?.db;
  let json = argv.includes("--json");
  const fail = async (err: AppError) => {
    const ctx = {
      process: { stdout, stderr },
      program,
      global: { db: undefined, json },
      exitCode: 0,
    };
    await printError(ctx as unknown as CliContext, err);
    return ctx.exitCode;
  };
  let normalized;
  const app = lazy.forCommand(commandWord(argv));
  try {
    normalized = normalizeArgv(argv, app.root as RouteLike);
  } catch (err) {
    return fail(toAppError(err));
  }
  json = normalized.global.json;
  // No --db: the program's store variable (INBOX_DB / ORCH_DB) names it.
  const fromEnv = storeTarget(program, normalized.global.db);
  if (fromEnv !== undefined) normalized.global.db = fromEnv;
  if (json) {
    // `--help --json`, or no command with `--json`: the command surface as JSON, for agents.
    const end = normalized.rest.indexOf("--");
    const words = end >= 0 ? normalized.rest.slice(0, end) : normalized.rest;
    const help = words.some((w) => ["--help", "-h", "--help-all", "-H"].includes(w));
    if (words.some((w) => w === "--version" || w === "-v")) {
      const { VERSION } = await import("../version.ts");
      stdout.write(JSON.stringify(okEnvelope({ program, version: VERSION })) + "\n");
      return 0;
    }
    // A command group without its command (`inbox --json artifact`) describes the group.
    if (help || words.length === 0 || _namesGroup(app.root as RouteLike, words)) {
      const { describeSurface } = await import("./surface.ts");
      const path = words.filter((w) => !w.startsWith("-"));
      const surface = describeSurface(lazy.full().root, program, path);
      if (surface) {
        stdout.write(JSON.stringify(okEnvelope({ ...surface })) + "\n");
        return 0;
      }
    }
  }
  // Stricli reports parse errors on the command's stderr: capture all of
  // stderr, then either wrap a parse error in the envelope or pass it through.
  let captured = "";
  const capturing: Out = {
    write: (t: string) => void (captured += t),
    writeBytes: (b: Uint8Array) => void (captured += new TextDecoder().decode(b)),
  };
  const ctx: CliContext = {
    process: { stdout, stderr: capturing },
    program,
    global: normalized.global,
    clock: systemClock,
    exitCode: 0,
    async openDb(options = {}) {
      if (!db) {
        if (!normalized.global.db) {
          throw new AppError(
            "USAGE",
            `Missing --db: pass the path of the shared database (or a postgres:// URL), or set ${
              STORE_ENV[program]
            }`,
          );
        }
        db = await openStorage(normalized.global.db, options);
      }
      return db;
    },
    readStdin(limit: number) {
      if (io) return io.readStdin(limit);
      // Loaded here: only the commands that read stdin need it.
      return import("./read_bounded.ts").then((m) =>
        m.readStreamBounded(Deno.stdin.readable, limit)
      );
    },
  };
  const stricliProcess = {
    stdout,
    stderr: capturing,
    exitCode: undefined as number | string | null | undefined,
  };
  try {
    await run(app, normalized.rest, {
      process: stricliProcess,
      locale: "en",
      forCommand: () => ctx,
    } as never);
  } catch (err) {
    if (!io) await db?.close();
    return fail(toAppError(err));
  }
  if (!io) await db?.close();
  if (ctx.exitCode !== 0) {
    stderr.write(captured);
    return ctx.exitCode;
  }
  const code = Number(stricliProcess.exitCode ?? 0);
  if (code !== 0) {
    const message = _kebab(captured.trim().split("\n")[0] || "Invalid command line");
    if (code === -4 || code === -5) {
      return fail(new AppError("USAGE", message, { argv: normalized.rest }));
    }
    return fail(new AppError("INTERNAL", message));
  }
  stderr.write(captured);
  return 0;
}

/** Stricli names flags in camelCase in its messages; users type kebab-case. */
function _kebab(message: string): string {
  return message.replace(
    /--([a-z][A-Za-z0-9]*)/g,
    (_, name: string) => "--" + name.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase()),
  );
}

/** Whether `words` are exactly a path to a command group (a route map), not to a command. */
function _namesGroup(root: RouteLike, words: readonly string[]): boolean {
  let target: RouteLike | undefined = root;
  for (const w of words) {
    if (w.startsWith("-") || !target?.getAllEntries) return false;
    target = routeNamed(target, w);
  }
  return target?.getAllEntries !== undefined;
}
