/**
 * `deno task bench` on PostgreSQL (issue 8 item 7): a throwaway local server
 * (scripts/pg_server.sh) for the run, then
 *
 * - in-process send -> claim -> done cycles against raw `BEGIN; INSERT;
 *   COMMIT` transactions on the same server through the same client,
 *   interleaved cycle by cycle (target >= 50 %);
 * - 16 processes racing `inbox claim` over one pool (0 double claims, no
 *   serialization error surfaced);
 * - `wait-reply` wake latency, from the in-process reply's commit to the
 *   waiting process's output line (target p50 <= 50 ms).
 *
 * Skipped (no metrics, one log line) when no server can be started.
 */
import { cliCommand } from "./permissions.ts";
import { judge, type Metric, stats } from "./bench_lib.ts";
import type { BenchContext } from "./bench_inbox.ts";
import { openPostgres } from "../src/storage/postgres/open_postgres.ts";
import { InboxStore } from "../src/store/inbox_store.ts";
import type { Db } from "../src/storage/db.ts";

const ROOT = new URL("..", import.meta.url).pathname;
/** Processes racing for claims. */
const RACERS = 16;

async function _sh(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command("bash", { args, cwd: ROOT, stdout: "piped", stderr: "piped" })
    .output();
  const d = new TextDecoder();
  return { code: out.code, stdout: d.decode(out.stdout).trim(), stderr: d.decode(out.stderr) };
}

function _dbUrl(admin: string, name: string): string {
  const u = new URL(admin);
  u.pathname = "/" + name;
  return u.toString();
}

/** Send -> claim -> done cycles vs raw transactions (each cycle is 3 write transactions). */
async function _cycles(ctx: BenchContext, admin: string): Promise<Metric> {
  const cycles = ctx.quick ? 100 : 600;
  const db = await openPostgres(_dbUrl(admin, "bench_store"), { init: true });
  const store = new InboxStore(db);
  const rawDb = await openPostgres(_dbUrl(admin, "bench_raw"), { init: true });
  await rawDb.run(
    "CREATE TABLE IF NOT EXISTS t (id BIGSERIAL PRIMARY KEY, k BIGINT NOT NULL, v TEXT NOT NULL)",
  );
  const body = "x".repeat(120);
  // A raw write transaction through the same client and the same path (BEGIN ... COMMIT),
  // without the store's writer lock and NOTIFY.
  const raw = (k: number) => rawDb.run("INSERT INTO t (k, v) VALUES (?, ?)", k, body);
  const cycle = async (i: number) => {
    const { thread } = await store.sendThread({
      from: "lead",
      to: "w",
      subject: `c${i}`,
      body: "b",
    });
    const claimed = (await store.claimThread("w", { threadId: thread.id })).thread;
    await store.completeThread({
      agent: "w",
      threadId: thread.id,
      leaseEpoch: claimed.lease_epoch,
      body: "d",
    });
  };
  for (let i = 0; i < 20; i++) {
    await cycle(-1 - i);
    await raw(-1);
  }
  let storeMs = 0;
  let rawMs = 0;
  for (let i = 0; i < cycles; i++) {
    const a = async () => {
      const t = performance.now();
      await cycle(i);
      storeMs += performance.now() - t;
    };
    const b = async () => {
      const t = performance.now();
      for (let j = 0; j < 3; j++) await raw(i);
      rawMs += performance.now() - t;
    };
    if (i % 2 === 0) {
      await a();
      await b();
    } else {
      await b();
      await a();
    }
  }
  await db.close();
  await rawDb.close();
  const cyclesPerSecond = cycles / (storeMs / 1000);
  const rawTxPerSecond = (cycles * 3) / (rawMs / 1000);
  return judge({
    id: "pg.store.cycles",
    group: "inbox",
    name: "PostgreSQL: store send -> claim -> done (in-process)",
    unit: "cycles/s",
    value: cyclesPerSecond,
    n: cycles,
    baseline: { name: "raw BEGIN/INSERT/COMMIT, same client", value: rawTxPerSecond, unit: "tx/s" },
    ratio: (cyclesPerSecond * 3) / rawTxPerSecond,
    ratio_definition:
      "(cycles/s x 3 write transactions per cycle) / raw tx/s, interleaved cycle by cycle",
    target: { kind: "ratio_min", value: 0.5, text: ">= 50 %" },
    note:
      "local PostgreSQL 15 (fsync on), one connection each; the store's writes also take the writer lock and NOTIFY",
  });
}

/** 16 processes claim from one pool until it is empty: every thread exactly once. */
async function _racingClaims(ctx: BenchContext, admin: string): Promise<Metric> {
  const threads = ctx.quick ? 48 : 160;
  const url = _dbUrl(admin, "bench_race");
  const db = await openPostgres(url, { init: true });
  const store = new InboxStore(db);
  for (let i = 0; i < threads; i++) {
    await store.sendThread({ from: "lead", to: "pool", subject: `r${i}`, body: "b" });
  }
  await db.close();
  const argv = [
    ...cliCommand("inbox", "postgres"),
    "--db",
    url,
    "--json",
    "claim",
    "--agent",
    "pool",
  ];
  const won: number[] = [];
  const surfaced: string[] = [];
  const t0 = performance.now();
  await Promise.all(Array.from({ length: RACERS }, async () => {
    for (;;) {
      const out = await new Deno.Command(Deno.execPath(), {
        args: argv,
        stdout: "piped",
        stderr: "piped",
      })
        .output();
      const json = JSON.parse(new TextDecoder().decode(out.stdout) || "{}");
      if (json.ok) {
        won.push(Number(json.thread.id));
        continue;
      }
      if (json.error?.code !== "NO_CLAIMABLE_THREAD") surfaced.push(String(json.error?.code));
      return;
    }
  }));
  const seconds = (performance.now() - t0) / 1000;
  const double = won.length - new Set(won).size;
  return judge({
    id: "pg.claims.race",
    group: "inbox",
    name: `PostgreSQL: ${RACERS} processes racing claims`,
    unit: "double claims",
    value: double + surfaced.length + Math.abs(threads - new Set(won).size),
    n: won.length,
    target: { kind: "value_max", value: 0, text: "0 double claims, 0 errors, every thread once" },
    note: `${threads} threads, ${won.length} claims in ${seconds.toFixed(1)} s; errors surfaced: ${
      surfaced.length ? surfaced.join(", ") : "none"
    }`,
  });
}

/** Waits until the server has a LISTEN session (the waiter sleeping on its change feed). */
async function _listening(db: Db, before: number, deadlineMs: number): Promise<void> {
  const end = performance.now() + deadlineMs;
  while (performance.now() < end) {
    const n = Number(
      (await db.get("SELECT COUNT(*) AS n FROM pg_stat_activity WHERE query ILIKE 'listen%'"))
        ?.["n"],
    );
    if (n > before) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error("the waiter never started listening");
}

/** wait-reply wake latency: reply commit (in-process) -> the waiting process's JSON line. */
async function _wake(ctx: BenchContext, admin: string): Promise<Metric> {
  const samples = ctx.quick ? 5 : 20;
  const url = _dbUrl(admin, "bench_wake");
  const db = await openPostgres(url, { init: true });
  const store = new InboxStore(db);
  const wake: number[] = [];
  for (let i = -1; i < samples; i++) {
    const { thread } = await store.sendThread({
      from: "lead",
      to: "w",
      subject: `w${i}`,
      body: "b",
    });
    await store.claimThread("w", { threadId: thread.id, leaseSeconds: 600 });
    await store.updateThread({ agent: "w", threadId: thread.id }, {
      status: "blocked",
      body: "q?",
    });
    const before = Number(
      (await db.get("SELECT COUNT(*) AS n FROM pg_stat_activity WHERE query ILIKE 'listen%'"))
        ?.["n"],
    );
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        ...cliCommand("inbox", "postgres"),
        "--db",
        url,
        "--json",
        "wait-reply",
        "--agent",
        "w",
        "--thread",
        String(thread.id),
        "--timeout-seconds",
        "60",
      ],
      stdout: "piped",
      stderr: "null",
    }).spawn();
    await _listening(db, before, 30_000);
    const reader = child.stdout.getReader();
    const t0 = performance.now();
    await store.replyThread("lead", thread.id, { body: "a" });
    const first = await reader.read();
    const t1 = performance.now();
    reader.releaseLock();
    await child.status;
    if (first.done) throw new Error("wait-reply printed nothing");
    if (i >= 0) wake.push(t1 - t0);
  }
  await db.close();
  const s = stats(wake);
  return judge({
    id: "pg.wait.wake",
    group: "inbox",
    name: "PostgreSQL: wait-reply wake (commit -> stdout line)",
    unit: "ms",
    value: s.p50,
    p95: s.p95,
    n: s.n,
    target: { kind: "value_max", value: 50, text: "p50 <= 50 ms" },
    note: "LISTEN/NOTIFY; t0 before the in-process reply's commit",
  });
}

/** The PostgreSQL metrics, or none (with a log line) when no local server can be started. */
export async function benchPostgres(ctx: BenchContext): Promise<Metric[]> {
  // A fresh path under the system temp dir (the server runs as another user, who cannot enter
  // this run's private temp dir); the script creates it.
  const dir = await Deno.makeTempDir({ prefix: "coord-bench-pg-" });
  await Deno.remove(dir);
  const started = await _sh(["scripts/pg_server.sh", "start", dir]);
  if (started.code !== 0) {
    ctx.log(`postgres: skipped, no local server (${started.stderr.trim().split("\n").pop()})`);
    return [];
  }
  const admin = started.stdout.split("\n").pop()!;
  try {
    ctx.log("postgres: store cycles vs raw transactions");
    const out = [await _cycles(ctx, admin)];
    ctx.log(`postgres: ${RACERS} racing claimers`);
    out.push(await _racingClaims(ctx, admin));
    ctx.log("postgres: wait-reply wake latency");
    out.push(await _wake(ctx, admin));
    return out;
  } finally {
    await _sh(["scripts/pg_server.sh", "stop", dir]);
  }
}
