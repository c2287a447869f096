/**
 * Orch measurements of `deno task bench`: `ready`/`status` on a run of
 * 10,000 tasks and 20,000 deps, dispatch throughput and CLI latency, and
 * `orch wait` wake latency and idle CPU.
 */
import { mapSeq } from "../src/store/map_seq.ts";
import { join } from "node:path";
import type { Db } from "../src/storage/db.ts";
import { openSqlite } from "../src/storage/sqlite/open_sqlite.ts";
import { OrchStore } from "../src/store/orch_store.ts";
import { writeEnvelopeWithRaw } from "../src/cli/write_raw_json.ts";
import {
  alternateBlocks,
  baselineArgs,
  type BenchContext,
  idleCpu,
  rawTxRunner,
} from "./bench_inbox.ts";
import {
  chunks,
  cliLatency,
  expectOk,
  interleave,
  judge,
  median,
  type Metric,
  moduleCount,
  ROUNDS,
  rounds,
  stats,
  timeDeno,
  type Variant,
  wakeLatency,
} from "./bench_lib.ts";

/** Deterministic PRNG (mulberry32), so every run builds the same DAG. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface OrchDb {
  db: Db;
  store: OrchStore;
  bigRun: string;
  dispRun: string;
  tasks: number;
  deps: number;
  done: number;
  ready: number;
  /** Ready tasks of the dispatch run reserved for in-process dispatch. */
  storeDispatch: string[];
  /** Ready tasks reserved for the CLI dispatch samples. */
  cliDispatch: string[];
}

/**
 * Builds, in one transaction, run "big": `tasks` tasks where task i depends
 * on two distinct random tasks among the 100 before it (a DAG, ~2 deps per
 * task). Tasks and dep edges are inserted as rows (OrchStore.addTask scans
 * the run for the next seq and addDep's cycle check is a BFS per edge: both
 * too slow at this size; the edges point backwards, so the graph is acyclic
 * by construction). The first half is really dispatched, claimed, completed
 * and reconciled through the stores, so done tasks have attempts, threads,
 * messages and events as in real use; tasks are inserted ~100 ahead of the
 * one being dispatched (as if tasks were added as work went on), because
 * reconciling a completion costs time proportional to the run's pending
 * tasks (see the report), which would make the build take a minute. Run
 * "disp" gets independent ready tasks for the dispatch measurements.
 */
export async function buildOrchDb(
  path: string,
  o: { tasks: number; storeDispatch: number; cliDispatch: number },
): Promise<OrchDb> {
  const db = await openSqlite(path, { init: true });
  const store = new OrchStore(db);
  const rand = rng(42);
  const bigRun = "big";
  const dispRun = "disp";
  let deps = 0;
  const done = Math.floor(o.tasks / 2);
  const storeDispatch = Array.from({ length: o.storeDispatch }, (_, i) => `D${i + 1}`);
  const cliDispatch = Array.from({ length: o.cliDispatch }, (_, i) => `C${i + 1}`);
  await db.write(async () => {
    await store.createRun({ runId: bigRun, goal: "Scale: 10k tasks, 20k deps" });
    await store.createRun({ runId: dispRun, goal: "Dispatch throughput" });
    const now = new Date().toISOString();
    const insTask = db.stmt(
      `INSERT INTO tasks (run_id, id, title, summary, default_to, acceptance, status, seq, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)`,
    );
    const insDep = db.stmt("INSERT INTO deps (run_id, task_id, depends_on) VALUES (?, ?, ?)");
    const addTask = (i: number) => {
      insTask.run(
        bigRun,
        `T${i}`,
        `Task ${i}`,
        `Summary of task ${i}`,
        `w${i % 10}`,
        JSON.stringify({ criteria: [`criterion of ${i}`] }),
        i + 1,
        now,
        now,
      );
      const picks = new Set<number>();
      const window = Math.min(i, 100);
      while (picks.size < Math.min(2, i)) picks.add(i - 1 - Math.floor(rand() * window));
      for (const j of picks) {
        insDep.run(bigRun, `T${i}`, `T${j}`);
        deps++;
      }
    };
    let added = 0;
    for (let i = 0; i < done; i++) {
      // Keep ~100 tasks ahead pending (and the run active).
      while (added < Math.min(o.tasks, i + 100)) addTask(added++);
      const r = await store.dispatch({ runId: bigRun, taskId: `T${i}`, mode: "analysis" });
      const agent = r.attempt.assigned_to;
      const claimed = (await store.inbox.claimThread(agent, { threadId: r.thread.id })).thread;
      await store.inbox.completeThread({
        agent,
        threadId: claimed.id,
        leaseEpoch: claimed.lease_epoch,
        body: `done ${i}`,
        payload: { ok: true },
      });
      await store.reconcile(bigRun);
    }
    while (added < o.tasks) addTask(added++);
    [...storeDispatch, ...cliDispatch].forEach((id, k) =>
      insTask.run(dispRun, id, `Dispatch ${id}`, "", "w", null, k + 1, now, now)
    );
  });
  const ready = (await store.readyTasks(bigRun)).length;
  return {
    db,
    store,
    bigRun,
    dispRun,
    tasks: o.tasks,
    deps,
    done,
    ready,
    storeDispatch,
    cliDispatch,
  };
}

/** Items 4 and 5 (CLI part): ready / status at scale, dispatch latency. */
export async function benchOrchCli(ctx: BenchContext, dbPath: string, o: OrchDb) {
  const rounds = ctx.quick ? 3 : 12;
  const orch = (...args: string[]) => [...ctx.cli("orch"), "--db", dbPath, "--json", ...args];
  const base = baselineArgs(ctx, "orch");
  const queue = [...o.cliDispatch];
  const variants: Variant[] = [
    {
      name: "baseline",
      run: async () => {
        const r = await timeDeno(base);
        if (r.code !== 0) throw new Error(`bare deno run failed: ${r.stderr}`);
        return r.ms;
      },
    },
    {
      name: "ready",
      run: async () => {
        const r = await timeDeno(orch("ready", "--run", o.bigRun));
        const n = (expectOk(r, "orch ready")["tasks"] as unknown[]).length;
        if (n !== o.ready) throw new Error(`orch ready listed ${n} tasks, expected ${o.ready}`);
        return r.ms;
      },
    },
    {
      name: "status",
      run: async () => {
        const r = await timeDeno(orch("status", "--run", o.bigRun));
        const n = (expectOk(r, "orch status")["tasks"] as unknown[]).length;
        if (n !== o.tasks) throw new Error(`orch status listed ${n} tasks, expected ${o.tasks}`);
        return r.ms;
      },
    },
    {
      name: "dispatch",
      run: async () => {
        const task = queue.shift();
        if (!task) throw new Error("out of tasks to dispatch");
        const r = await timeDeno(
          orch("dispatch", "--run", o.dispRun, "--task", task, "--execution-mode", "analysis"),
        );
        expectOk(r, "orch dispatch");
        return r.ms;
      },
    },
  ];
  // The same work in-process (no start-up), to show where CLI time goes: what `orch --json
  // ready` and `orch --json status` run (status: reconcile, then statusJson, written as the CLI writes it).
  const inProcess = { ready: [] as number[], status: [] as number[] };
  for (let k = 0; k < (ctx.quick ? 3 : 7); k++) {
    let t = performance.now();
    JSON.stringify({ ok: true, run_id: o.bigRun, tasks: await o.store.readyTasks(o.bigRun) });
    inProcess.ready.push(performance.now() - t);
    t = performance.now();
    await o.store.reconcile(o.bigRun);
    const s = await o.store.statusJson(o.bigRun);
    let printed = 0; // bytes, encoded as the CLI's writer does
    const encoder = new TextEncoder();
    writeEnvelopeWithRaw(
      { write: (text) => void (printed += encoder.encode(text).length), writeBytes: () => {} },
      { run: s.run, counts: s.counts },
      { tasks: s.tasks_json },
    );
    inProcess.status.push(performance.now() - t);
    if (printed < s.tasks_json.length) throw new Error("status JSON went missing");
  }
  ctx.log(`orch CLI: ${rounds} interleaved rounds of ${variants.map((v) => v.name).join(", ")}`);
  const samples = await interleave(variants, rounds);
  const scale = `${o.tasks.toLocaleString("en-US")} tasks / ${o.deps.toLocaleString("en-US")} deps`;
  const traced = [queue.shift(), queue.shift()];
  const described: Array<
    [string, string, "<" | "<=", number, string, (run: number) => string[]]
  > = [
    ["ready", `orch ready (${scale}, ${o.ready} ready)`, "<", 10, "read", () => [
      "ready",
      "--run",
      o.bigRun,
    ]],
    ["status", `orch status (${scale}, full JSON)`, "<", 10, "read + reconcile check", () => [
      "status",
      "--run",
      o.bigRun,
    ]],
    ["dispatch", "orch dispatch (analysis, write)", "<=", 3, "write", (run) => [
      "dispatch",
      "--run",
      o.dispRun,
      "--task",
      traced[run] ?? "none-left",
      "--execution-mode",
      "analysis",
    ]],
  ];
  const out: Metric[] = [];
  for (const [key, name, op, max, kind, args] of described) {
    const own = key === "ready" || key === "status" ? stats(inProcess[key]) : undefined;
    const modules = await moduleCount("orch", (run) => ["--db", dbPath, "--json", ...args(run)]);
    out.push(cliLatency({
      id: `orch.cli.${key}`,
      group: "orch",
      name,
      samples: samples.get(key)!,
      baseline: samples.get("baseline")!,
      max,
      op,
      kind,
      modules,
      extra: own && {
        note: `; the same call in-process (${
          key === "status" ? "reconcile + statusJson, as the CLI" : "store + JSON.stringify"
        }): p50 ${own.p50.toFixed(1)} ms`,
        detail: { in_process_stats: own },
      },
    }));
  }
  return out;
}

/** Item 5 (store part): in-process dispatches, each its own transaction, vs raw transactions. */
export async function benchOrchDispatchStore(ctx: BenchContext, o: OrchDb): Promise<Metric> {
  const tasks = o.storeDispatch;
  const raw = rawTxRunner(join(ctx.dir, "raw_dispatch.db"));
  ctx.log(`orch store: ${tasks.length} dispatches vs as many raw transactions, ${ROUNDS} rounds`);
  let next = 0;
  // ROUNDS rounds of one dispatch, one raw transaction, alternating (see benchInboxStore).
  const per = await mapSeq(chunks(tasks, ROUNDS), async (c) => {
    const r = await alternateBlocks(
      c.length,
      {
        ops: 1,
        run: async () => {
          await o.store.dispatch({ runId: o.dispRun, taskId: tasks[next++]!, mode: "analysis" });
        },
      },
      { ops: 1, run: raw.tx },
    );
    return {
      dispatches: c.length,
      perSecond: c.length / r.aSeconds,
      rawPerSecond: c.length / r.bSeconds,
      ratio: r.bSeconds / r.aSeconds,
    };
  });
  raw.close();
  const ratios = rounds(per.map((r) => r.ratio));
  return judge({
    id: "orch.store.dispatch",
    group: "orch",
    name: "store dispatch (in-process, analysis)",
    unit: "dispatches/s",
    value: median(per.map((r) => r.perSecond)),
    n: tasks.length,
    baseline: {
      name: "raw BEGIN IMMEDIATE/INSERT/COMMIT",
      value: median(per.map((r) => r.rawPerSecond)),
      unit: "tx/s",
    },
    ratio: ratios.median,
    rounds: ratios,
    ratio_definition:
      "dispatches/s / raw tx/s (one write transaction each), interleaved one by one",
    note: "each dispatch is one write transaction: attempt + inbox thread + first message + events",
    detail: { dispatches: tasks.length, rounds: per },
  });
}

/**
 * Item 6: `orch wait --for task_done` wake latency (and, with `idle`, idle
 * CPU) on `run`, completing the threads of `tasks` (already dispatched).
 */
export async function benchOrchWait(
  ctx: BenchContext,
  dbPath: string,
  o: OrchDb,
  w: { run: string; tasks: string[]; label: string; idle: boolean },
): Promise<Metric[]> {
  const samples = Math.min(ctx.quick ? 5 : 15, w.tasks.length - 1);
  const store = o.store;
  const maxEvent = async () =>
    Number((await o.db.get("SELECT COALESCE(MAX(id), 0) AS m FROM events"))?.["m"]);
  const args = (after: number, timeout: number) => [
    ...ctx.cli("orch"),
    "--db",
    dbPath,
    "--json",
    "wait",
    "--run",
    w.run,
    "--for",
    "task_done",
    "--after-event",
    String(after),
    "--timeout-seconds",
    String(timeout),
  ];
  ctx.log(`orch wait (${w.label}): ${samples} wake samples`);
  const metrics: Metric[] = [
    await wakeLatency({
      samples,
      dbPath,
      failure: "orch wait did not report task_done",
      metric: {
        id: `orch.wait.wake.${w.run}`,
        group: "orch",
        name: `orch wait --for task_done wake, ${w.label} (commit -> stdout line)`,
        note:
          "t0 just before the in-process completeThread commit; the waiter then reconciles thread_done into task_done (its own write transaction) and prints",
      },
    }, async (i) => {
      const taskId = w.tasks[i + 1]!;
      const attempt = await store.latestAttempt(w.run, taskId);
      if (!attempt) throw new Error(`task ${taskId} was not dispatched`);
      // Untimed: the worker claims; reconcile now so the waiter starts with nothing to fold.
      const claimed =
        (await store.inbox.claimThread(attempt.assigned_to, { threadId: attempt.thread_id }))
          .thread;
      await store.reconcile(w.run);
      return {
        args: args(await maxEvent(), 30),
        commit: async () => {
          await store.inbox.completeThread({
            agent: attempt.assigned_to,
            threadId: attempt.thread_id,
            leaseEpoch: claimed.lease_epoch,
            body: "done",
          });
        },
        reports: (json) => {
          const events = json["events"] as Array<{ type: string; task_id: string }> | undefined;
          return !!events?.some((e) => e.type === "task_done" && e.task_id === taskId);
        },
      };
    }),
  ];
  if (w.idle) {
    metrics.push(
      await idleCpu(ctx, {
        id: "orch.wait.idle_cpu",
        group: "orch",
        name: `orch wait idle CPU, ${w.label}`,
        dbPath,
        args: async (timeout) => args(await maxEvent(), timeout),
      }),
    );
  }
  return metrics;
}

/** Dispatches (in-process, untimed) up to `n` ready tasks of `run`; returns their ids. */
export async function dispatchReady(o: OrchDb, run: string, n: number): Promise<string[]> {
  return await mapSeq((await o.store.readyTasks(run)).slice(0, n), async (t) => {
    await o.store.dispatch({ runId: run, taskId: t.id, mode: "analysis" });
    return t.id;
  });
}
