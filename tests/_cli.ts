/**
 * Test helpers: spawn the real CLIs as subprocesses with exactly the
 * permission flags the compiled binaries get (scripts/permissions.ts).
 */
import { join } from "node:path";
import { cliCommand, isPostgresTarget, type Program } from "../scripts/permissions.ts";

/** The project's checkout: the CLIs' working directory unless a test names another. */
export const ROOT = new URL("..", import.meta.url).pathname;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as one JSON object (when --json was passed). */
  json: Record<string, unknown> & { ok?: boolean; error?: { code: string; message: string } };
}

export interface CliOptions {
  stdin?: string;
  cwd?: string;
}

export { cliCommand };

/** Runs `program` with `args` and waits for it. */
export async function cli(
  program: Program,
  args: string[],
  options: CliOptions = {},
): Promise<CliResult> {
  const child = new Deno.Command(Deno.execPath(), {
    // A PostgreSQL URL gets the PostgreSQL permission set, as the launchers give it.
    args: [
      ...cliCommand(
        program,
        args.some((a) => isPostgresTarget(a.replace(/^--db=/, ""))) ? "postgres" : "sqlite",
      ),
      ...args,
    ],
    cwd: options.cwd ?? ROOT,
    stdin: options.stdin !== undefined ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  if (options.stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(options.stdin));
    await w.close();
  }
  const out = await child.output();
  const stdout = new TextDecoder().decode(out.stdout);
  const stderr = new TextDecoder().decode(out.stderr);
  let json = {} as CliResult["json"];
  const trimmed = stdout.trim();
  if (trimmed.startsWith("{") && !trimmed.includes("\n")) {
    try {
      json = JSON.parse(trimmed);
    } catch { /* not JSON */ }
  }
  return { code: out.code, stdout, stderr, json };
}

/** `inbox --db DB --json ...args`. */
export function inbox(db: string, ...args: string[]): Promise<CliResult> {
  return cli("inbox", ["--db", db, "--json", ...args]);
}

/** `orch --db DB --json ...args`. */
export function orch(db: string, ...args: string[]): Promise<CliResult> {
  return cli("orch", ["--db", db, "--json", ...args]);
}

/** Like inbox()/orch() but fails the test unless the command succeeded. */
export async function ok(p: Promise<CliResult>): Promise<CliResult["json"]> {
  const r = await p;
  if (r.code !== 0 || r.json.ok !== true) {
    throw new Error(`command failed (exit ${r.code}): ${r.stdout} ${r.stderr}`);
  }
  return r.json;
}

/**
 * The backend the CLI tests run on: SQLite, or with `TEST_BACKEND=postgres`
 * a fresh database on `TEST_PG_URL`'s server per test (the same tests, a
 * backend matrix). Tests of SQLite files as such keep using file paths.
 */
export const TEST_BACKEND: "sqlite" | "postgres" = Deno.env.get("TEST_BACKEND") === "postgres"
  ? "postgres"
  : "sqlite";

/** Passed as `ignore` by a test that is about SQLite files themselves (on the postgres leg). */
export const SQLITE_ONLY = TEST_BACKEND !== "sqlite";

/**
 * A new, uninitialised store for a test: a file in `dir`, or (postgres leg) a
 * fresh database; `drop` removes the database (a file goes with its dir).
 */
export async function newStore(dir: string, name = "coord.db"): Promise<
  { db: string; drop(): Promise<void> }
> {
  if (TEST_BACKEND === "sqlite") return { db: join(dir, name), drop: () => Promise.resolve() };
  const { dropPgUrl, freshPgUrl } = await import("./_pg.ts");
  const db = await freshPgUrl();
  return { db, drop: () => dropPgUrl(db) };
}

/** A temp dir with an initialised database; removed on dispose. */
export async function tempDb(): Promise<{ dir: string; db: string } & AsyncDisposable> {
  const dir = await Deno.makeTempDir({ prefix: "coord-test-" });
  const store = await newStore(dir);
  const db = store.db;
  await ok(inbox(db, "init"));
  return {
    dir,
    db,
    async [Symbol.asyncDispose]() {
      await store.drop();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** Polls `condition` until it returns a truthy value or the deadline passes. */
export async function until<T>(
  condition: () => T | Promise<T>,
  options: { timeoutMs?: number; what?: string } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    const v = await condition();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for ${options.what ?? "condition"}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}
