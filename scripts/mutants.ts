/**
 * `deno task mutants [--only ID,...] [--list] [--timeout-seconds N]`: applies
 * each deliberate bug listed in scripts/mutants.json to a scratch copy of
 * the checkout (never to the checkout itself), runs the test files listed
 * with it, and reports whether the tests caught it (and which tests
 * failed). Exits 1 when any mutation survived or does not type-check, no
 * longer applies (its code changed), or when the tests fail without any
 * mutation. Slow: not run by CI; run it before
 * resolving an issue that touches the code it covers.
 */
import { dirname, join } from "node:path";

/** One deliberate bug and the tests that must catch it. */
export interface Mutation {
  /** Stable name, for `--only`. */
  id: string;
  /** The guarantee the tests defend. */
  guarantee: string;
  /** Path from the repository root. */
  file: string;
  /** Code that occurs exactly once in `file`. */
  find: string;
  /** What `find` becomes. */
  replace: string;
  /** Test files (from the root) to run against the mutated copy. */
  tests: string[];
}

/** The flags of `deno task test` (deno.json). */
export const TEST_FLAGS = [
  "--no-prompt",
  "--allow-read",
  "--allow-write",
  "--allow-run",
  "--allow-env",
  "--allow-sys",
  "--allow-net=127.0.0.1",
] as const;

const ROOT = new URL("..", import.meta.url).pathname;
const LIST = join(ROOT, "scripts", "mutants.json");
/** A mutation whose tests run longer than this counts as caught (they hung), and is marked so. */
const DEFAULT_TIMEOUT_SECONDS = 600;

/** Parses and checks the mutation list; throws naming the first bad entry. */
export function parseMutations(text: string): Mutation[] {
  const list = JSON.parse(text) as unknown;
  if (!Array.isArray(list)) throw new Error("mutants.json: expected an array");
  const ids = new Set<string>();
  return list.map((m, i) => {
    const where = `mutants.json entry ${i}`;
    if (m === null || typeof m !== "object") throw new Error(`${where}: expected an object`);
    const e = m as Record<string, unknown>;
    for (const k of ["id", "guarantee", "file", "find", "replace"]) {
      if (typeof e[k] !== "string") throw new Error(`${where}: "${k}" must be a string`);
    }
    const tests = e["tests"];
    if (!Array.isArray(tests) || tests.length === 0 || tests.some((t) => typeof t !== "string")) {
      throw new Error(`${where}: "tests" must be a non-empty array of paths`);
    }
    const id = e["id"] as string;
    if (ids.has(id)) throw new Error(`${where}: id "${id}" appears twice`);
    ids.add(id);
    if (e["find"] === e["replace"]) throw new Error(`${where}: "replace" equals "find"`);
    return {
      id,
      guarantee: e["guarantee"] as string,
      file: e["file"] as string,
      find: e["find"] as string,
      replace: e["replace"] as string,
      tests: tests as string[],
    };
  });
}

/** `source` with the mutation applied; throws unless `find` occurs exactly once. */
export function applyMutation(
  source: string,
  m: Pick<Mutation, "id" | "find" | "replace">,
): string {
  const at = source.indexOf(m.find);
  if (at < 0) throw new Error(`mutation "${m.id}": its code is no longer in the file`);
  if (source.indexOf(m.find, at + 1) >= 0) {
    throw new Error(`mutation "${m.id}": its code occurs more than once in the file`);
  }
  return source.slice(0, at) + m.replace + source.slice(at + m.find.length);
}

/** Every file git knows or would add (tracked, and untracked but not ignored). */
async function _files(root: string): Promise<string[]> {
  const out = await new Deno.Command("git", {
    args: ["ls-files", "-z", "--cached", "--others", "--exclude-standard"],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (out.code !== 0) throw new Error(new TextDecoder().decode(out.stderr).trim());
  return new TextDecoder().decode(out.stdout).split("\0").filter((f) => f !== "");
}

/** Copies the checkout's files into a new temp dir. */
async function _scratchCopy(root: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "coord-mutants-" });
  for (const f of await _files(root)) {
    let info: Deno.FileInfo;
    try {
      info = await Deno.lstat(join(root, f));
    } catch {
      continue; // deleted in the work tree, not yet in the index
    }
    await Deno.mkdir(dirname(join(dir, f)), { recursive: true });
    if (info.isSymlink) await Deno.symlink(await Deno.readLink(join(root, f)), join(dir, f));
    else if (info.isFile) await Deno.copyFile(join(root, f), join(dir, f));
  }
  return dir;
}

interface TestRun {
  passed: boolean;
  timedOut: boolean;
  seconds: number;
  output: string;
}

async function _runTests(dir: string, tests: string[], timeoutSeconds: number): Promise<TestRun> {
  const started = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["test", ...TEST_FLAGS, ...tests],
    cwd: dir,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
  }, timeoutSeconds * 1000);
  const out = await child.output();
  clearTimeout(timer);
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return {
    passed: out.code === 0 && !timedOut,
    timedOut,
    seconds: (performance.now() - started) / 1000,
    output: decode(out.stdout) + decode(out.stderr),
  };
}

/**
 * A mutation that does not type-check is not caught by a test: the entry
 * itself is broken (`INVALID`), and counts as not caught.
 */
function _verdict(run: TestRun): string {
  if (run.passed) return "SURVIVED";
  if (/TS\d+ \[ERROR\]|Type checking failed/.test(run.output)) return "INVALID (type error)";
  return run.timedOut ? "caught (timed out)" : "caught";
}

/**
 * The names of the failed tests in `deno test` output: its FAILURES list
 * ("name => ./file.ts:1:2"), else the "name ... FAILED" lines (a slow test's
 * "has been running" notice can split those).
 */
export function failedTests(output: string): string[] {
  const lines = output.split("\n").map((l) => l.trim());
  const names = new Set<string>();
  const failures = lines.lastIndexOf("FAILURES");
  if (failures >= 0) {
    for (const line of lines.slice(failures + 1)) {
      const m = /^(.+?) => \S+:\d+:\d+$/.exec(line);
      if (m) names.add(m[1]!);
    }
  }
  if (names.size === 0) {
    for (const line of lines) {
      const m = /^(.+?) \.\.\. FAILED/.exec(line);
      if (m) names.add(m[1]!);
    }
  }
  return [...names];
}

function _flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(args: string[]): Promise<number> {
  let mutations = parseMutations(await Deno.readTextFile(LIST));
  const only = _flag(args, "--only");
  if (only !== undefined) {
    const wanted = new Set(only.split(",").map((s) => s.trim()));
    const unknown = [...wanted].filter((id) => !mutations.some((m) => m.id === id));
    if (unknown.length) {
      console.error(`mutants: unknown id ${unknown.map((u) => `"${u}"`).join(", ")}`);
      return 2;
    }
    mutations = mutations.filter((m) => wanted.has(m.id));
  }
  if (args.includes("--list")) {
    for (const m of mutations) console.log(`${m.id}\t${m.file}\t${m.guarantee}`);
    return 0;
  }
  const timeoutSeconds = Number(_flag(args, "--timeout-seconds") ?? DEFAULT_TIMEOUT_SECONDS);

  // Every mutation must still apply: a stale entry defends nothing.
  const originals = new Map<string, string>();
  for (const m of mutations) {
    const source = originals.get(m.file) ?? await Deno.readTextFile(join(ROOT, m.file));
    originals.set(m.file, source);
    applyMutation(source, m);
  }

  const dir = await _scratchCopy(ROOT);
  try {
    const allTests = [...new Set(mutations.flatMap((m) => m.tests))];
    console.log(
      `mutants: baseline, ${allTests.length} test file(s) on the unmutated copy in ${dir}`,
    );
    const baseline = await _runTests(dir, allTests, timeoutSeconds);
    if (!baseline.passed) {
      console.error(baseline.output);
      console.error("mutants: the tests fail without any mutation; fix them first");
      return 1;
    }
    const survived: string[] = [];
    for (const m of mutations) {
      const path = join(dir, m.file);
      const original = originals.get(m.file)!;
      await Deno.writeTextFile(path, applyMutation(original, m));
      let run: TestRun;
      try {
        run = await _runTests(dir, m.tests, timeoutSeconds);
      } finally {
        await Deno.writeTextFile(path, original);
      }
      const verdict = _verdict(run);
      console.log(`${verdict.padEnd(18)} ${m.id} (${run.seconds.toFixed(0)} s): ${m.guarantee}`);
      if (verdict.startsWith("caught")) {
        for (const name of failedTests(run.output)) {
          console.log(`                   failed: ${name}`);
        }
      } else {
        survived.push(m.id);
      }
    }
    const caught = mutations.length - survived.length;
    console.log(
      `mutants: ${caught} of ${mutations.length} caught` +
        (survived.length ? `; not caught: ${survived.join(", ")}` : ""),
    );
    return survived.length ? 1 : 0;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) {
  try {
    Deno.exit(await main(Deno.args));
  } catch (err) {
    console.error(`mutants: ${err instanceof Error ? err.message : String(err)}`);
    Deno.exit(1);
  }
}
