/**
 * Helpers of `deno task bench` (scripts/bench.ts): statistics, timed
 * subprocesses, process readiness and CPU time from /proc, and the metric
 * record every measurement ends up as.
 *
 * Figures that hold (issue 12 item 5): every measurement is taken in several
 * rounds (`ROUNDS`); a metric's headline figure is the median of its rounds'
 * figures, printed with their spread (min-max), and a metric whose rounds do
 * not all agree on pass or miss is marked as flipping.
 */
import { describeTrace, type ModuleTrace, traceModules } from "./module_trace.ts";
import type { Program } from "./permissions.ts";

/** Summary of a list of samples (milliseconds, usually). */
export interface Stats {
  n: number;
  p50: number;
  p95: number;
  mean: number;
  min: number;
  max: number;
}

/** Nearest-rank percentile of `sorted` (ascending). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function stats(samples: number[]): Stats {
  const s = [...samples].sort((a, b) => a - b);
  return {
    n: s.length,
    p50: percentile(s, 50),
    p95: percentile(s, 95),
    mean: s.reduce((a, b) => a + b, 0) / Math.max(1, s.length),
    min: s[0] ?? NaN,
    max: s[s.length - 1] ?? NaN,
  };
}

/** Rounds every measurement is split into (see the module comment). */
export const ROUNDS = 5;

/** A figure measured in several rounds. */
export interface Rounds {
  /** Each round's figure: the ratio for ratio targets, the value otherwise. */
  values: number[];
  median: number;
  min: number;
  max: number;
  /** How many rounds alone would have passed the target (absent without a target). */
  passed?: number;
}

/** Median (the lower middle for an even count, as `percentile(50)`) of `values`. */
export function median(values: number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50);
}

/** The rounds' spread; its `median` is the headline figure. */
export function rounds(values: number[]): Rounds {
  const s = [...values].sort((a, b) => a - b);
  return { values, median: percentile(s, 50), min: s[0] ?? NaN, max: s[s.length - 1] ?? NaN };
}

/** `samples` cut into `k` consecutive, nearly equal chunks (fewer when there are fewer samples). */
export function chunks<T>(samples: T[], k: number): T[][] {
  const n = Math.max(1, Math.min(k, samples.length));
  const out: T[][] = [];
  for (let i = 0; i < n; i++) {
    out.push(
      samples.slice(
        Math.floor((i * samples.length) / n),
        Math.floor(((i + 1) * samples.length) / n),
      ),
    );
  }
  return out;
}

/** What a metric is compared against to pass. */
export interface Target {
  /** `ratio <= value`, `ratio >= value`, `value <= value`, `value < value`. */
  kind: "ratio_max" | "ratio_min" | "value_max" | "value_lt";
  value: number;
  /** As printed, e.g. "<= 2x". */
  text: string;
}

export interface Metric {
  id: string;
  group: "inbox" | "orch";
  name: string;
  unit: string;
  /** The headline figure: the median (p50) for latencies, a rate for throughputs. */
  value: number;
  p95?: number;
  n?: number;
  baseline?: { name: string; value: number; p95?: number; unit: string };
  /** value / baseline unless `ratio_definition` says otherwise. */
  ratio?: number;
  ratio_definition?: string;
  target?: Target;
  /** null: informational, no target. */
  pass: boolean | null;
  /** The per-round figures behind the headline (see the module comment). */
  rounds?: Rounds;
  /** Some rounds passed the target and some missed it: the result is not settled. */
  flips?: boolean;
  /** A short remark shown after the metric's name in the table (module count, fsync-bound, ...). */
  remark?: string;
  note?: string;
  detail?: Record<string, unknown>;
}

/** Whether `figure` (a ratio for ratio targets, else a value) meets `t`. */
function _meets(t: Target, figure: number): boolean {
  if (t.kind === "ratio_max") return figure <= t.value;
  if (t.kind === "ratio_min") return figure >= t.value;
  if (t.kind === "value_max") return figure <= t.value;
  return figure < t.value;
}

/**
 * Decides `pass` from the target (on the headline figure, the rounds'
 * median), counts the rounds that pass on their own, and marks `flips` when
 * some do and some do not.
 */
export function judge(m: Omit<Metric, "pass">): Metric {
  const t = m.target;
  if (!t) return { ...m, pass: null };
  const ratio = t.kind === "ratio_max" || t.kind === "ratio_min";
  const pass = _meets(t, ratio ? m.ratio ?? NaN : m.value);
  if (!m.rounds) return { ...m, pass };
  const passed = m.rounds.values.filter((v) => _meets(t, v)).length;
  const flips = passed > 0 && passed < m.rounds.values.length;
  return { ...m, rounds: { ...m.rounds, passed }, pass, ...(flips ? { flips } : {}) };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const _decoder = new TextDecoder();

export interface TimedRun {
  ms: number;
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `deno <args>` to exit; `ms` is spawn to exit as the parent sees it. */
export async function timeDeno(args: string[]): Promise<TimedRun> {
  const cmd = new Deno.Command(Deno.execPath(), {
    args,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  });
  const t0 = performance.now();
  const out = await cmd.output();
  const ms = performance.now() - t0;
  return {
    ms,
    code: out.code,
    stdout: _decoder.decode(out.stdout),
    stderr: _decoder.decode(out.stderr),
  };
}

/** Throws unless the run exited 0 with `{"ok": true, ...}` on stdout; returns the object. */
export function expectOk(r: TimedRun, what: string): Record<string, unknown> {
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(r.stdout);
  } catch { /* reported below */ }
  if (r.code !== 0 || json?.["ok"] !== true) {
    throw new Error(
      `${what} failed (exit ${r.code}): ${r.stdout.slice(0, 500)} ${r.stderr.slice(0, 500)}`,
    );
  }
  return json!;
}

/**
 * A CLI command's latency judged against the bare `deno run` baseline
 * sampled interleaved with it (`samples[i]` and `baseline[i]` from the same
 * interleave() round). The samples are cut into `ROUNDS` chunks; each
 * chunk's ratio of medians is one round's figure, and the headline ratio is
 * their median, at most `max` (printed as `${op} ${max}x`). `kind` starts
 * the note, `extra` ends note and detail; `modules` is the command's module
 * count (moduleCount).
 */
export function cliLatency(o: {
  id: string;
  group: Metric["group"];
  name: string;
  samples: number[];
  baseline: number[];
  max: number;
  op: "<" | "<=";
  kind: string;
  extra?: { note: string; detail: Record<string, unknown> } | undefined;
  modules?: ModuleCount | undefined;
}): Metric {
  const s = stats(o.samples);
  const b = stats(o.baseline);
  const cmdChunks = chunks(o.samples, ROUNDS);
  const baseChunks = chunks(o.baseline, ROUNDS);
  const r = rounds(cmdChunks.map((c, i) => median(c) / median(baseChunks[i]!)));
  return judge({
    id: o.id,
    group: o.group,
    name: o.name,
    unit: "ms",
    value: s.p50,
    p95: s.p95,
    n: s.n,
    baseline: { name: "bare deno run", value: b.p50, p95: b.p95, unit: "ms" },
    ratio: r.median,
    rounds: r,
    // "< 10x" and "<= 3x" both judged as ratio_max; the boundary itself is immaterial.
    target: { kind: "ratio_max", value: o.max, text: `${o.op} ${o.max}x` },
    ...(o.modules ? { remark: `${o.modules.trace.evaluated.length} modules` } : {}),
    note: `${o.kind}; ratio of medians per round (${cmdChunks.length} rounds of ${
      cmdChunks[0]?.length ?? 0
    } samples, interleaved with the baseline), median of the rounds${o.extra?.note ?? ""}${
      o.modules ? `; loads ${o.modules.text}` : ""
    }`,
    detail: {
      stats: s,
      baseline_stats: b,
      ...(o.modules ? { modules: o.modules.trace } : {}),
      ...o.extra?.detail,
    },
  });
}

/** What one command loads (scripts/module_trace.ts), for the bench table. */
export interface ModuleCount {
  trace: ModuleTrace;
  /** "41 modules (36 own, 1 npm, 4 node:*), 42 files read" */
  text: string;
}

/** Runs `program args` under Deno's loader trace; throws when the trace saw nothing. */
export async function moduleCount(
  program: Program,
  args: string[] | ((run: number) => string[]),
): Promise<ModuleCount> {
  const trace = await traceModules(program, args);
  if (trace.own.length === 0 || trace.code !== 0) {
    throw new Error(
      `module trace of ${program} ${
        (typeof args === "function" ? args(1) : args).join(" ")
      }: exit ${trace.code}, ${trace.own.length} modules`,
    );
  }
  return { trace, text: describeTrace(trace) };
}

/** A variant of an interleaved comparison: `run` performs one timed sample and returns its ms. */
export interface Variant {
  name: string;
  run: (i: number) => Promise<number>;
}

/**
 * Runs every variant `rounds` times, interleaved: each round runs each
 * variant once, in an order that rotates every round, so drift in machine
 * load hits all of them alike. `warmup` untimed rounds first.
 */
export async function interleave(
  variants: Variant[],
  rounds: number,
  warmup = 2,
): Promise<Map<string, number[]>> {
  const samples = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  for (let w = 0; w < warmup; w++) {
    for (const v of variants) await v.run(-1 - w);
  }
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < variants.length; k++) {
      const v = variants[(r + k) % variants.length]!;
      samples.get(v.name)!.push(await v.run(r));
    }
  }
  return samples;
}

/**
 * Reads a /proc file. Deno asks for `--allow-all` to read /proc directly,
 * so this goes through `cat` (the bench may run subprocesses).
 */
export async function readProc(path: string): Promise<string> {
  const out = await new Deno.Command("cat", { args: [path], stdout: "piped", stderr: "null" })
    .output();
  if (!out.success) throw new Error(`cannot read ${path}`);
  return _decoder.decode(out.stdout);
}

/** Polls /proc/$1/fd (one `sh` helper, 5 ms steps) until a descriptor points at $2. */
const _WAIT_FD_SCRIPT = `n=0
while [ "$n" -lt "$3" ]; do
  case "$(ls -l "/proc/$1/fd" 2>/dev/null)" in *" -> $2"*) exit 0 ;; esac
  sleep 0.005
  n=$((n + 1))
done
exit 1`;

/**
 * Waits until process `pid` has `path` open (seen in /proc/<pid>/fd).
 * Returns false when /proc is unavailable or the deadline passes.
 */
export async function waitForOpenFile(
  pid: number,
  path: string,
  timeoutMs: number,
): Promise<boolean> {
  try {
    const out = await new Deno.Command("sh", {
      args: ["-c", _WAIT_FD_SCRIPT, "sh", String(pid), path, String(Math.ceil(timeoutMs / 5))],
      stdout: "null",
      stderr: "null",
    }).output();
    return out.success;
  } catch {
    return false;
  }
}

/** utime + stime of `pid` (all its threads) in clock ticks, from /proc/<pid>/stat. */
export async function cpuTicks(pid: number): Promise<number> {
  const s = await readProc(`/proc/${pid}/stat`);
  // Fields after "comm" (which may contain spaces): state is field 3, utime 14, stime 15.
  const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
  return Number(f[11]) + Number(f[12]);
}

/**
 * CPU time (ns) used so far by each live thread of `pids` (key: pid/tid),
 * from /proc/<pid>/task/<tid>/schedstat (nanoseconds, where /proc/<pid>/stat
 * counts 10 ms ticks: too coarse for an idle process over a second).
 */
export async function threadCpuNanos(pids: number[]): Promise<Map<string, number>> {
  const out = await new Deno.Command("sh", {
    args: [
      "-c",
      'for p in "$@"; do for f in /proc/"$p"/task/*/schedstat; do echo "$f $(cat "$f")"; done; done',
      "sh",
      ...pids.map(String),
    ],
    stdout: "piped",
    stderr: "null",
  }).output();
  const threads = new Map<string, number>();
  for (const line of _decoder.decode(out.stdout).split("\n")) {
    const [file, ns] = line.split(" ");
    if (file && ns && Number.isFinite(Number(ns))) threads.set(file, Number(ns));
  }
  if (threads.size === 0) throw new Error(`cannot read /proc/<pid>/task/*/schedstat of ${pids}`);
  return threads;
}

/**
 * CPU (ns) the threads of `pids` used between two threadCpuNanos() samples:
 * threads that ended in between are left out (their last slice is lost, a
 * few microseconds), threads that started count from zero.
 */
export function cpuBetween(before: Map<string, number>, after: Map<string, number>): number {
  let ns = 0;
  for (const [tid, t1] of after) ns += t1 - (before.get(tid) ?? 0);
  return ns;
}

/** Resident memory (KiB) of `pids` together, from /proc/<pid>/status. */
export async function rssKib(pids: number[]): Promise<number> {
  const out = await new Deno.Command("sh", {
    args: [
      "-c",
      'for p in "$@"; do grep "^VmRSS:" /proc/"$p"/status; done',
      "sh",
      ...pids.map(String),
    ],
    stdout: "piped",
    stderr: "null",
  }).output();
  return _decoder.decode(out.stdout).split("\n").reduce(
    (sum, line) => sum + (Number(/(\d+)\s*kB/.exec(line)?.[1]) || 0),
    0,
  );
}

/**
 * CPU of `pids` together over `count` idle windows of `windowMs` each, as %
 * of one core per window.
 */
export async function idleWindows(
  pids: number[],
  count: number,
  windowMs: number,
): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const c0 = await threadCpuNanos(pids);
    const t0 = performance.now();
    await sleep(windowMs);
    const c1 = await threadCpuNanos(pids);
    const elapsed = performance.now() - t0;
    out.push((cpuBetween(c0, c1) / 1e6) / elapsed * 100);
  }
  return out;
}

/** Clock ticks per second (`getconf CLK_TCK`), 100 if that fails. */
export async function clockTicks(): Promise<number> {
  try {
    const out = await new Deno.Command("getconf", { args: ["CLK_TCK"], stdout: "piped" }).output();
    const n = Number(_decoder.decode(out.stdout).trim());
    return Number.isFinite(n) && n > 0 ? n : 100;
  } catch {
    return 100;
  }
}

/**
 * A spawned `deno` child whose stdout is read as it arrives: `firstLine`
 * resolves with the performance.now() at which the first complete line came
 * in, `done` with the whole output and exit status.
 */
export interface Watched {
  child: Deno.ChildProcess;
  firstLineAt: Promise<number>;
  done: Promise<{ code: number; stdout: string; stderr: string; exitAt: number }>;
}

export function spawnWatched(args: string[]): Watched {
  const child = new Deno.Command(Deno.execPath(), {
    args,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  let resolveLine!: (t: number) => void;
  const firstLineAt = new Promise<number>((r) => (resolveLine = r));
  const readOut = (async () => {
    let text = "";
    let seen = false;
    const decoder = new TextDecoder();
    for await (const chunk of child.stdout) {
      const now = performance.now();
      text += decoder.decode(chunk, { stream: true });
      if (!seen && text.includes("\n")) {
        seen = true;
        resolveLine(now);
      }
    }
    if (!seen) resolveLine(NaN);
    return text;
  })();
  const readErr = new Response(child.stderr).text();
  const done = (async () => {
    const status = await child.status;
    const exitAt = performance.now();
    return { code: status.code, stdout: await readOut, stderr: await readErr, exitAt };
  })();
  return { child, firstLineAt, done };
}

/**
 * Waits until a just-spawned waiter has opened the database, then lets it
 * settle into its wait loop (its first check follows the open by a few ms).
 */
export async function waitUntilWaiting(pid: number, dbPath: string): Promise<void> {
  const opened = await waitForOpenFile(pid, dbPath, 5000);
  await sleep(opened ? 150 : 400);
}

/**
 * Spawns `deno <args>` (spawnWatched), waits until it is waiting on `dbPath`
 * and runs `use`; in every case then ends the child (SIGTERM) and awaits it.
 */
export async function withWaiter<T>(
  args: string[],
  dbPath: string,
  use: (w: Watched) => Promise<T>,
): Promise<T> {
  const w = spawnWatched(args);
  try {
    await waitUntilWaiting(w.child.pid, dbPath);
    return await use(w);
  } finally {
    try {
      w.child.kill("SIGTERM");
    } catch { /* already exited */ }
    await w.done.catch(() => undefined);
  }
}

/** One sample of `wakeLatency`, set up (untimed) by its `round`. */
export interface WakeRound<R> {
  /** The waiting `deno` child's argv. */
  args: string[];
  /** The in-process write that should wake it (timed). */
  commit: () => R;
  /** Whether the child's JSON output reports what `commit` returned. */
  reports: (json: Record<string, unknown>, committed: R) => boolean;
}

/**
 * Wake latency of a waiting CLI: one warm-up, then `samples` rounds. Each
 * round spawns `round(i).args`, waits until it waits, and takes t0 just
 * before `commit`, t1 when the child's first stdout line arrives. Throws
 * `<failure>: <stdout> <stderr>` unless the child printed `ok: true`,
 * `timed_out: false` and what `reports` accepts.
 */
export async function wakeLatency<R>(
  o: {
    samples: number;
    dbPath: string;
    failure: string;
    metric: { id: string; group: Metric["group"]; name: string; note: string };
  },
  round: (i: number) => WakeRound<R>,
): Promise<Metric> {
  const wake: number[] = [];
  const exit: number[] = [];
  const commit: number[] = [];
  for (let i = -1; i < o.samples; i++) {
    const r = round(i);
    await withWaiter(r.args, o.dbPath, async (w) => {
      const t0 = performance.now();
      const committed = r.commit();
      const tc = performance.now();
      const t1 = await w.firstLineAt;
      const out = await w.done;
      const json = JSON.parse(out.stdout);
      if (json.ok !== true || json.timed_out !== false || !r.reports(json, committed)) {
        throw new Error(`${o.failure}: ${out.stdout} ${out.stderr}`);
      }
      if (i < 0) return; // warm-up
      wake.push(t1 - t0);
      exit.push(out.exitAt - t0);
      commit.push(tc - t0);
    });
  }
  const s = stats(wake);
  const r = rounds(chunks(wake, ROUNDS).map(median));
  const { id, group, name, note } = o.metric;
  return judge({
    id,
    group,
    name,
    unit: "ms",
    value: r.median,
    p95: s.p95,
    n: s.n,
    rounds: r,
    target: { kind: "value_max", value: 50, text: "p50 <= 50 ms" },
    note: `${note}; p50: median of ${r.values.length} rounds' medians, p95 over all samples`,
    detail: { stats: s, commit_stats: stats(commit), exit_stats: stats(exit), samples: wake },
  });
}

// ---- formatting -----------------------------------------------------------

export function fmtNum(v: number, digits = 1): string {
  if (!Number.isFinite(v)) return String(v);
  return v.toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

function _valueText(value: number, unit: string, p95?: number): string {
  if (unit === "ms") {
    return p95 === undefined
      ? `${fmtNum(value)} ms`
      : `p50 ${fmtNum(value)} ms, p95 ${fmtNum(p95)} ms`;
  }
  if (unit === "%") return `${fmtNum(value, 2)} %`;
  return `${fmtNum(value, 0)} ${unit}`;
}

/** A figure as its cell shows it: a ratio (or a percentage, with a ratio definition) or a value. */
function _figureText(m: Metric, figure: number): string {
  if (m.ratio !== undefined) {
    return m.ratio_definition ? `${fmtNum(figure * 100, 0)} %` : `${fmtNum(figure, 2)}x`;
  }
  if (m.unit === "%") return fmtNum(figure, 2);
  if (m.unit === "ms") return fmtNum(figure);
  return fmtNum(figure, 0);
}

/** " (rounds 1.9-2.3x)": the spread of the rounds behind a figure. */
function _spreadText(m: Metric): string {
  const r = m.rounds;
  if (!r || r.values.length < 2) return "";
  const lo = _figureText(m, r.min);
  const hi = _figureText(m, r.max);
  return ` (${r.values.length} rounds: ${lo === hi ? lo : `${lo} to ${hi}`})`;
}

/** The row cells of a metric: metric, value, baseline, ratio, target, result. */
export function metricRow(m: Metric): string[] {
  const ratioed = m.ratio !== undefined;
  return [
    m.remark ? `${m.name}; ${m.remark}` : m.name,
    _valueText(m.value, m.unit, m.p95) + (ratioed ? "" : _spreadText(m)),
    m.baseline ? `${m.baseline.name}: ${_valueText(m.baseline.value, m.baseline.unit)}` : "-",
    ratioed ? _figureText(m, m.ratio!) + _spreadText(m) : "-",
    m.target?.text ?? "-",
    m.pass === null ? "info" : (m.pass ? "pass" : "MISS") +
      (m.flips ? ` (flips: ${m.rounds!.passed}/${m.rounds!.values.length} rounds pass)` : ""),
  ];
}

export const HEADERS = ["Metric", "Value", "Baseline", "Ratio", "Target", "Result"];

/** A plain-text table with padded columns. */
export function textTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/** A GitHub markdown table. */
export function markdownTable(headers: string[], rows: string[][]): string {
  const esc = (c: string) => c.replaceAll("|", "\\|");
  return [
    `| ${headers.join(" | ")} |`,
    `| ${headers.map(() => "---").join(" | ")} |`,
    ...rows.map((r) => `| ${r.map(esc).join(" | ")} |`),
  ].join("\n");
}
