/**
 * `deno task bench [--quick] [--only inbox|orch] [--update-readme]`
 *
 * Measures the targets of docs/DESIGN ("Targets") as ratios against a
 * baseline taken in the same run, interleaved, because the machine is
 * noisy: CLI commands against a bare `deno run` of an empty script, store
 * throughput against raw SQLite write transactions with the same
 * durability. Prints a table, writes bench/results/inbox.json and
 * bench/results/orch.json, and prints a markdown table between
 * `<!-- bench:start -->` / `<!-- bench:end -->`; `--update-readme` puts it
 * between those markers in README.md when both exist.
 *
 * Spawned CLIs use `cliCommand(program)`: the permission flags of the
 * compiled binaries (scripts/permissions.ts).
 */
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { cliCommand } from "../tests/_cli.ts";
import { benchBoard } from "./bench_board.ts";
import {
  type BenchContext,
  benchInboxCli,
  benchInboxStore,
  benchInboxWait,
  benchManyWaiters,
  buildInboxDb,
} from "./bench_inbox.ts";
import { benchInboxSearch } from "./bench_search.ts";
import { benchMerge } from "./bench_merge.ts";
import {
  HEADERS,
  markdownTable,
  type Metric,
  metricRow,
  readProc,
  textTable,
} from "./bench_lib.ts";
import {
  benchOrchCli,
  benchOrchDispatchStore,
  benchOrchWait,
  buildOrchDb,
  dispatchReady,
} from "./bench_orch.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const RESULTS = join(ROOT, "bench", "results");
const START = "<!-- bench:start -->";
const END = "<!-- bench:end -->";

const USAGE = `Usage: deno task bench [--quick] [--only inbox|orch] [--update-readme]

  --quick          fewer iterations (a smoke run, ~30 s); results are noisier
  --only GROUP     run only the inbox or only the orch measurements
  --update-readme  replace the text between ${START} and ${END} in README.md
                   (only if both markers exist)`;

interface Options {
  quick: boolean;
  only: "inbox" | "orch" | undefined;
  updateReadme: boolean;
}

function parseArgs(args: string[]): Options {
  const o: Options = { quick: false, only: undefined, updateReadme: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--quick") o.quick = true;
    else if (a === "--update-readme") o.updateReadme = true;
    else if (a === "--only" || a.startsWith("--only=")) {
      const v = a.includes("=") ? a.slice(a.indexOf("=") + 1) : args[++i];
      if (v !== "inbox" && v !== "orch") throw new Error(`--only takes inbox or orch, not ${v}`);
      o.only = v;
    } else if (a === "--help" || a === "-h") {
      console.log(USAGE);
      Deno.exit(0);
    } else {
      console.error(`Unknown argument ${a}\n\n${USAGE}`);
      Deno.exit(2);
    }
  }
  if (o.updateReadme && (o.quick || o.only)) {
    console.error("--update-readme needs a full run: the README shows every figure of one run");
    Deno.exit(2);
  }
  return o;
}

async function machine(): Promise<Record<string, unknown>> {
  let cpuModel: string | null = null;
  try {
    cpuModel = (await readProc("/proc/cpuinfo")).match(/^model name\s*:\s*(.+)$/m)?.[1] ?? null;
  } catch { /* not Linux */ }
  let memoryGb: number | null = null;
  try {
    memoryGb = Math.round(Deno.systemMemoryInfo().total / 2 ** 30 * 10) / 10;
  } catch { /* no --allow-sys */ }
  const sqlite = new DatabaseSync(":memory:");
  const sqliteVersion = String(
    (sqlite.prepare("SELECT sqlite_version() AS v").get() as Record<string, unknown>)["v"],
  );
  sqlite.close();
  return {
    cpus: navigator.hardwareConcurrency,
    cpu_model: cpuModel,
    memory_gb: memoryGb,
    os: Deno.build.os,
    arch: Deno.build.arch,
    os_release: (() => {
      try {
        return Deno.osRelease();
      } catch {
        return null;
      }
    })(),
    sqlite: sqliteVersion,
  };
}

async function loadAverage(): Promise<string | null> {
  try {
    return (await readProc("/proc/loadavg")).split(" ").slice(0, 3).join(" ");
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  const opts = parseArgs(Deno.args);
  const loadBefore = await loadAverage();
  const started = performance.now();
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "coord-bench-" }));
  const emptyScript = join(dir, "empty.ts");
  await Deno.writeTextFile(emptyScript, "");
  const log = (line: string) =>
    console.error(`[${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s] ${line}`);
  const ctx: BenchContext = { quick: opts.quick, dir, emptyScript, cli: cliCommand, log };
  const inbox: Metric[] = [];
  const orch: Metric[] = [];
  try {
    if (opts.only !== "orch") {
      const dbPath = join(dir, "inbox.db");
      const threads = 10_000;
      let t = performance.now();
      const { db, showThread } = buildInboxDb(dbPath, threads);
      log(`built inbox DB: ${threads} threads in ${((performance.now() - t) / 1000).toFixed(1)} s`);
      try {
        inbox.push(...await benchInboxCli(ctx, dbPath, db, showThread));
        inbox.push(...benchInboxStore(ctx).metrics);
        inbox.push(...benchInboxSearch(ctx));
        t = performance.now();
        inbox.push(...await benchInboxWait(ctx, dbPath, db));
        inbox.push(...await benchManyWaiters(ctx, dbPath, db));
        log(`inbox waits took ${((performance.now() - t) / 1000).toFixed(1)} s`);
      } finally {
        db.close();
      }
    }
    if (opts.only !== "inbox") {
      const dbPath = join(dir, "orch.db");
      const t = performance.now();
      const o = buildOrchDb(dbPath, {
        tasks: 10_000,
        storeDispatch: opts.quick ? 200 : 1000,
        cliDispatch: 40,
      });
      log(
        `built orch DB: ${o.tasks} tasks, ${o.deps} deps, ${o.done} done, ${o.ready} ready in ${
          ((performance.now() - t) / 1000).toFixed(1)
        } s`,
      );
      try {
        orch.push(...await benchOrchCli(ctx, dbPath, o));
        orch.push(benchOrchDispatchStore(ctx, o));
        const small = `${o.storeDispatch.length + o.cliDispatch.length}-task run`;
        orch.push(
          ...await benchOrchWait(ctx, dbPath, o, {
            run: o.dispRun,
            tasks: o.storeDispatch,
            label: small,
            idle: false,
          }),
        );
        const bigTasks = dispatchReady(o, o.bigRun, opts.quick ? 6 : 16);
        orch.push(
          ...await benchOrchWait(ctx, dbPath, o, {
            run: o.bigRun,
            tasks: bigTasks,
            label: "10,000-task run",
            idle: true,
          }),
        );
      } finally {
        o.db.close();
      }
      orch.push(...await benchBoard(ctx));
      orch.push(...await benchMerge(ctx));
    }
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => undefined);
  }
  log("done");

  const all = [...inbox, ...orch];
  const rows = all.map(metricRow);
  const header = {
    date: new Date().toISOString(),
    deno: Deno.version,
    machine: {
      ...await machine(),
      loadavg_before: loadBefore,
      loadavg_after: await loadAverage(),
    } as Record<string, unknown>,
    mode: opts.quick ? "quick" : "full",
    duration_seconds: Math.round((performance.now() - started) / 100) / 10,
  };
  console.log("");
  console.log(textTable(HEADERS, rows));
  const missed = all.filter((m) => m.pass === false);
  console.log(
    `\n${all.filter((m) => m.pass === true).length} pass, ${missed.length} miss, ${
      all.filter((m) => m.pass === null).length
    } info (${header.mode} run, ${header.duration_seconds} s)`,
  );
  for (const m of all) if (m.ratio_definition) console.log(`  ${m.name}: ${m.ratio_definition}`);
  for (const m of missed) console.log(`  MISS ${m.name}: ${m.note ?? ""}`);

  const footnote = [
    `${header.mode} run of \`deno task bench\` on ${header.date.slice(0, 10)}`,
    `Deno ${Deno.version.deno}, SQLite ${String(header.machine["sqlite"])}`,
    `${String(header.machine["cpus"])} CPUs (load average ${
      String(header.machine["loadavg_before"] ?? "n/a")
    } at the start)`,
  ].join(", ");
  const md = `${START}\n${markdownTable(HEADERS, rows)}\n\n_${footnote}. Latencies: median (p50) ` +
    `and p95; ratios of medians against a baseline measured interleaved in the same run._\n${END}`;
  console.log(`\n${md}`);

  await Deno.mkdir(RESULTS, { recursive: true });
  const written: string[] = [];
  for (const [name, metrics] of [["inbox", inbox], ["orch", orch]] as const) {
    if (metrics.length === 0) continue;
    const file = join(RESULTS, `${name}.json`);
    await Deno.writeTextFile(file, JSON.stringify({ ...header, metrics }, null, 2) + "\n");
    written.push(file);
  }
  console.error(`wrote ${written.join(", ")}`);

  if (opts.updateReadme) {
    const readme = join(ROOT, "README.md");
    let text: string | undefined;
    try {
      text = await Deno.readTextFile(readme);
    } catch { /* no README */ }
    const updated = text === undefined ? undefined : replaceBetweenMarkers(text, md);
    if (updated === undefined) {
      console.error(`README.md not updated: it needs both ${START} and ${END}`);
    } else {
      await Deno.writeTextFile(readme, updated);
      console.error("README.md updated");
    }
  }
}

/**
 * `text` with everything from the first START marker to the next END marker
 * replaced by `block` (which carries its own markers); undefined when the
 * markers are missing or out of order.
 */
export function replaceBetweenMarkers(text: string, block: string): string | undefined {
  const a = text.indexOf(START);
  const b = a < 0 ? -1 : text.indexOf(END, a);
  if (a < 0 || b < 0) return undefined;
  return text.slice(0, a) + block + text.slice(b + END.length);
}

if (import.meta.main) {
  await main();
}
