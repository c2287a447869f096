/**
 * Which modules one CLI command loads, from Deno's own loader trace
 * (`deno run -L debug`): the files it reads into the module graph and the
 * modules it evaluates, split into our own sources, npm packages and Deno's
 * Node compatibility layer (`node:*` built-ins). Used by `deno task bench`
 * (a module count per command) and by tests/startup_modules_test.ts (read
 * commands must not load zod, the MCP SDK, the renderers, ...).
 *
 * The trace is Deno's debug log, not a stable interface: callers check that
 * it found modules at all, so a change of format fails loudly instead of
 * counting nothing.
 */
import { PERMISSIONS, type Program } from "./permissions.ts";

const ROOT = new URL("..", import.meta.url).href;

export interface ModuleTrace {
  /** Files read into the module graph (`file:` URLs, including embedded .sql text). */
  read: string[];
  /** Modules evaluated (from V8 code-cache hits; run once before so the cache is warm). */
  evaluated: string[];
  /** Of `evaluated`: this repository's sources. */
  own: string[];
  /** Of `evaluated`: npm packages' modules. */
  npm: string[];
  /** Of `evaluated`: Deno's Node compatibility layer (`ext:deno_node/...`). */
  node: string[];
  /** The command's exit status. */
  code: number;
}

const _READ = /FileFetcher::fetch_no_follow - specifier: (\S+)/;
const _EVALUATED = /V8 code cache hit for ES module: ([^,\s]+),/;

/** Parses Deno's debug log (stderr of `deno run -L debug`). */
export function parseModuleTrace(log: string, code = 0): ModuleTrace {
  const read = new Set<string>();
  const evaluated = new Set<string>();
  for (const line of log.split("\n")) {
    const r = _READ.exec(line);
    if (r) read.add(r[1]!);
    const e = _EVALUATED.exec(line);
    if (e) evaluated.add(e[1]!);
  }
  const ev = [...evaluated].sort();
  return {
    read: [...read].sort(),
    evaluated: ev,
    own: ev.filter((s) => s.startsWith(ROOT)),
    npm: ev.filter((s) => s.startsWith("file:") && s.includes("/npm/")),
    node: ev.filter((s) => s.startsWith("ext:deno_node/")),
    code,
  };
}

/**
 * Runs `program args` from source with its permission flags and the loader
 * trace on (twice: the first run warms V8's code cache, whose hits the trace
 * reports), and returns what the second run loaded. `args` may differ per run
 * (0, 1): a write that cannot run twice.
 */
export async function traceModules(
  program: Program,
  args: string[] | ((run: number) => string[]),
  options: { cwd?: string } = {},
): Promise<ModuleTrace> {
  const argv = (run: number) => [
    "run",
    "--no-prompt",
    "-L",
    "debug",
    ...PERMISSIONS[program],
    new URL(`src/${program}.ts`, ROOT).pathname,
    ...(typeof args === "function" ? args(run) : args),
  ];
  let out: Deno.CommandOutput | undefined;
  for (let i = 0; i < 2; i++) {
    out = await new Deno.Command(Deno.execPath(), {
      args: argv(i),
      ...(options.cwd ? { cwd: options.cwd } : { cwd: new URL(ROOT).pathname }),
      stdin: "null",
      stdout: "null",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).output();
  }
  return parseModuleTrace(new TextDecoder().decode(out!.stderr), out!.code);
}

/** "37 modules (35 own, 1 npm, 1 node:*), 42 files read" */
export function describeTrace(t: ModuleTrace): string {
  return `${t.evaluated.length} modules (${t.own.length} own, ${t.npm.length} npm, ${t.node.length} node:*), ${t.read.length} files read`;
}
