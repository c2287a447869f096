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
import {
  chunks,
  HEADERS,
  judge,
  markdownTable,
  median,
  type Metric,
  metricRow,
  ROUNDS,
  rounds,
  stats,
} from "./bench_lib.ts";
import { alternateBlocks, type BenchContext } from "./bench_inbox.ts";
import { createPgClient, openPostgres } from "../src/storage/postgres/open_postgres.ts";
import { STATEMENT_OPTIONS } from "../src/storage/postgres/pg_db.ts";
import { InboxStore } from "../src/store/inbox_store.ts";
import type { Db } from "../src/storage/db.ts";
import { mapSeq } from "../src/store/map_seq.ts";

const ROOT = new URL("..", import.meta.url).pathname;
/** Processes racing for claims. */
const RACERS = 16;

async function _sh(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command("bash", {
    args,
    cwd: ROOT,
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const d = new TextDecoder();
  return { code: out.code, stdout: d.decode(out.stdout).trim(), stderr: d.decode(out.stderr) };
}

/** Databases are named `<prefix>_<part>`; a run on a server it did not start uses a fresh prefix. */
let _prefix = "bench";
/** The databases this run made, to drop on a server it did not start. */
const _made = new Set<string>();

function _dbUrl(admin: string, name: string): string {
  const u = new URL(admin);
  const db = `${_prefix}_${name.replace(/^bench_/, "")}`;
  _made.add(db);
  u.pathname = "/" + db;
  return u.toString();
}

/**
 * Send -> claim -> done cycles vs raw transactions (each cycle is 3 write transactions). The raw
 * side is the client the store runs on (same options), a plain `BEGIN; INSERT; COMMIT` sent the
 * way the store sends its statements, without the store's writer lock and NOTIFY.
 */
async function _cycles(ctx: BenchContext, admin: string, ownServer: boolean): Promise<Metric> {
  const cycles = ctx.quick ? 100 : 600;
  const db = await openPostgres(_dbUrl(admin, "bench_store"), { init: true });
  const store = new InboxStore(db);
  const rawUrl = _dbUrl(admin, "bench_raw");
  await (await openPostgres(rawUrl, { init: true })).close();
  const rawSql = await createPgClient(rawUrl);
  await rawSql.unsafe(
    "CREATE TABLE IF NOT EXISTS t (id BIGSERIAL PRIMARY KEY, k BIGINT NOT NULL, v TEXT NOT NULL)",
  );
  const body = "x".repeat(120);
  const raw = async (k: number) => {
    await rawSql.begin((tx) =>
      tx.unsafe("INSERT INTO t (k, v) VALUES ($1, $2)", [k, body], STATEMENT_OPTIONS)
    );
  };
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
  // Warm up: connections open, statements prepared, caches filled.
  for (let i = 0; i < 30; i++) {
    await cycle(-1 - i);
    await raw(-1);
  }
  // ROUNDS rounds, each its own interleaved comparison (as the SQLite cycles); a round's
  // figure is its ratio, the headline the median round.
  const measure = async (n: number) => {
    const per = chunks(Array.from({ length: n }, (_, i) => i), ROUNDS).map((c) => c.length);
    return await mapSeq(per, async (k) => {
      const r = await alternateBlocks(k, { ops: 1, run: cycle }, { ops: 3, run: raw });
      const cyclesPerSecond = k / r.aSeconds;
      const rawTxPerSecond = (k * 3) / r.bSeconds;
      return { cyclesPerSecond, rawTxPerSecond, ratio: (cyclesPerSecond * 3) / rawTxPerSecond };
    });
  };
  const fsync = String((await db.get("SELECT current_setting('fsync') AS f"))?.["f"]);
  const on = await measure(cycles);
  // The same without fsync (both sides, one server setting): the CPU and round-trip side of the
  // comparison. Only on a server this run started; a shared server's settings are not ours.
  let offRatio: number | undefined;
  if (ownServer && fsync === "on") {
    await _setFsync(admin, false);
    offRatio = median((await measure(cycles)).map((m) => m.ratio));
  }
  await db.close();
  await rawSql.end();
  const ratios = rounds(on.map((m) => m.ratio));
  const off = offRatio === undefined
    ? ""
    : `; without fsync (CPU and round trips only) ${(offRatio * 100).toFixed(0)} %`;
  return judge({
    id: "pg.store.cycles",
    group: "inbox",
    name: "PostgreSQL: store send -> claim -> done (in-process)",
    unit: "cycles/s",
    value: median(on.map((m) => m.cyclesPerSecond)),
    n: cycles,
    baseline: {
      name: "raw BEGIN/INSERT/COMMIT, same client",
      value: median(on.map((m) => m.rawTxPerSecond)),
      unit: "tx/s",
    },
    ratio: ratios.median,
    rounds: ratios,
    ratio_definition:
      "(cycles/s x 3 write transactions per cycle) / raw tx/s, same client and server, interleaved cycle by cycle",
    target: { kind: "ratio_min", value: 0.5, text: ">= 50 %" },
    ...(offRatio === undefined
      ? {}
      : { remark: `${(offRatio * 100).toFixed(0)} % with fsync off` }),
    note: `local PostgreSQL 15 (fsync ${fsync}), one connection each; the store's writes also ` +
      "take the writer lock and NOTIFY; the raw side sends its INSERT as the store sends " +
      `statements (prepared)${off}`,
    detail: { fsync, fsync_off_ratio: offRatio ?? null },
  });
}

/** Turns the server's fsync on or off (a reload, no restart). */
async function _setFsync(admin: string, on: boolean): Promise<void> {
  const sql = await createPgClient(admin);
  try {
    await sql.unsafe(`ALTER SYSTEM SET fsync = ${on ? "on" : "off"}`);
    await sql.unsafe("SELECT pg_reload_conf()");
    // The reload is asynchronous: wait until a new session sees it.
    for (let i = 0; i < 200; i++) {
      const [row] = await sql.unsafe("SELECT current_setting('fsync') AS f");
      if (row?.["f"] === (on ? "on" : "off")) return;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`the server did not take fsync = ${on ? "on" : "off"}`);
  } finally {
    await sql.end();
  }
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

/** Which PostgreSQL measurements to run (all by default). */
export type PgBenchPart = "cycles" | "race" | "wake";
const _PARTS: readonly PgBenchPart[] = ["cycles", "race", "wake"];

/** Runs `parts` on the server at `admin`, each in databases of its own (made here, dropped after). */
async function _run(
  ctx: BenchContext,
  admin: string,
  parts: readonly PgBenchPart[],
  ownServer: boolean,
) {
  const out: Metric[] = [];
  if (parts.includes("cycles")) {
    ctx.log("postgres: store cycles vs raw transactions");
    out.push(await _cycles(ctx, admin, ownServer));
  }
  if (parts.includes("race")) {
    ctx.log(`postgres: ${RACERS} racing claimers`);
    out.push(await _racingClaims(ctx, admin));
  }
  if (parts.includes("wake")) {
    ctx.log("postgres: wait-reply wake latency");
    out.push(await _wake(ctx, admin));
  }
  return out;
}

/** The PostgreSQL metrics, or none (with a log line) when no local server can be started. */
export async function benchPostgres(
  ctx: BenchContext,
  parts: readonly PgBenchPart[] = _PARTS,
): Promise<Metric[]> {
  // A fresh path under the system temp dir (the server runs as another user, who cannot enter
  // this run's private temp dir); the script creates it.
  const dir = await Deno.makeTempDir({ prefix: "coord-bench-pg-" });
  await Deno.remove(dir);
  // A durable server, as a real one (fsync on); the cycles also report the figure without it.
  const started = await _sh(["scripts/pg_server.sh", "start", dir], { PG_SERVER_FSYNC: "on" });
  if (started.code !== 0) {
    ctx.log(`postgres: skipped, no local server (${started.stderr.trim().split("\n").pop()})`);
    return [];
  }
  const admin = started.stdout.split("\n").pop()!;
  try {
    return await _run(ctx, admin, parts, true);
  } finally {
    await _sh(["scripts/pg_server.sh", "stop", dir]);
  }
}

/**
 * Standalone: `deno run ... scripts/bench_pg.ts [--quick] [cycles|race|wake ...]` prints the
 * chosen PostgreSQL metrics as JSON (no result files, no README). On `TEST_PG_URL`'s server when
 * set (databases of a fresh name, dropped at the end), else on a throwaway one.
 */
if (import.meta.main) {
  const quick = Deno.args.includes("--quick");
  const asked = Deno.args.filter((a) => a !== "--quick");
  for (const a of asked) {
    if (!_PARTS.includes(a as PgBenchPart)) throw new Error(`unknown part "${a}": ${_PARTS}`);
  }
  const parts = asked.length ? asked as PgBenchPart[] : _PARTS;
  const t0 = performance.now();
  const ctx: BenchContext = {
    quick,
    dir: "",
    emptyScript: "",
    cli: (p) => cliCommand(p),
    log: (line) => console.error(`[${((performance.now() - t0) / 1000).toFixed(1)} s] ${line}`),
  };
  const admin = Deno.env.get("TEST_PG_URL");
  let metrics: Metric[];
  if (admin) {
    _prefix = `bench_${crypto.randomUUID().slice(0, 8)}`;
    try {
      metrics = await _run(ctx, admin, parts, false);
    } finally {
      const sql = await createPgClient(admin);
      for (const db of _made) await sql.unsafe(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
      await sql.end();
    }
  } else {
    metrics = await benchPostgres(ctx, parts);
  }
  console.log(JSON.stringify(metrics, null, 2));
  console.log(markdownTable(HEADERS, metrics.map(metricRow)));
}
