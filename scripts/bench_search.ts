/**
 * `inbox search` measurement of `deno task bench`: in-process
 * {@linkcode searchInbox} over a database of 100,000 messages with a
 * Zipf-distributed vocabulary, against a `LIKE` scan of the same words
 * (informational baseline: what search would cost without the index).
 */
import { join } from "node:path";
import { openSqlite } from "../src/storage/sqlite/open_sqlite.ts";
import { InboxStore } from "../src/store/inbox_store.ts";
import { searchInbox } from "../src/store/inbox/search.ts";
import type { BenchContext } from "./bench_inbox.ts";
import { judge, type Metric, stats } from "./bench_lib.ts";

const MESSAGES = 100_000;
const MESSAGES_PER_THREAD = 4;
const VOCABULARY = 5_000;
const WORDS_PER_BODY = 24;
const TARGET_P50_MS = 20;

/** A deterministic pseudo-random generator (mulberry32), so every run builds the same corpus. */
function _rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Pronounceable distinct words: w0 "baka", w1 "beka", ... */
function _word(i: number): string {
  const c = "bdfgklmnprstvz";
  const v = "aeiou";
  let s = "";
  let n = i + 1;
  while (n > 0) {
    s += c[n % c.length]! + v[Math.floor(n / c.length) % v.length]!;
    n = Math.floor(n / (c.length * v.length));
  }
  return s;
}

/** Samples word ranks with probability proportional to 1/rank (Zipf, s = 1). */
function _zipf(rand: () => number, n: number): () => number {
  const cdf: number[] = [];
  let total = 0;
  for (let r = 1; r <= n; r++) cdf.push(total += 1 / r);
  return () => {
    const x = rand() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

/** Search p50 over 100,000 messages (20,000 with --quick). */
export async function benchInboxSearch(ctx: BenchContext): Promise<Metric[]> {
  const messages = ctx.quick ? 20_000 : MESSAGES;
  const rand = _rng(42);
  const pick = _zipf(rand, VOCABULARY);
  const words = Array.from({ length: VOCABULARY }, (_, i) => _word(i));
  const text = (n: number) => Array.from({ length: n }, () => words[pick()]).join(" ");
  const path = join(ctx.dir, "search.db");
  const db = await openSqlite(path, { init: true });
  try {
    const store = new InboxStore(db);
    const t0 = performance.now();
    await db.write(async () => {
      for (let i = 0; i < messages / MESSAGES_PER_THREAD; i++) {
        const to = `w${i % 10}`;
        const { thread } = await store.sendThread({
          from: "lead",
          to,
          subject: text(6),
          body: text(WORDS_PER_BODY),
        });
        for (let m = 1; m < MESSAGES_PER_THREAD; m++) {
          await store.replyThread(m % 2 ? to : "lead", thread.id, { body: text(WORDS_PER_BODY) });
        }
      }
    });
    ctx.log(
      `built search DB: ${messages} messages in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    // Queries as people type them: one or two words across the frequency range,
    // a phrase, a prefix, and an agent filter.
    const queries: { q: string; agent?: string }[] = [];
    for (let i = 0; i < (ctx.quick ? 40 : 200); i++) {
      const rank = Math.floor(rand() * rand() * VOCABULARY);
      const other = words[Math.floor(rand() * VOCABULARY)]!;
      const w = words[rank]!;
      const shape = i % 5;
      queries.push(
        shape === 0
          ? { q: w }
          : shape === 1
          ? { q: `${w} ${other}` }
          : shape === 2
          ? { q: `"${w} ${words[pick()]}"` }
          : shape === 3
          ? { q: `${w.slice(0, 4)}*` }
          : { q: w, agent: `w${i % 10}` },
      );
    }
    for (const { q } of queries.slice(0, 10)) await searchInbox(db, q); // warm the page cache and JIT
    const samples: number[] = [];
    const baseline: number[] = [];
    let hits = 0;
    const like = db.raw.prepare(
      "SELECT count(*) FROM messages WHERE body LIKE ?",
    );
    for (const { q, agent } of queries) {
      const s0 = performance.now();
      hits += (await searchInbox(db, q, agent ? { agent } : {})).length;
      samples.push(performance.now() - s0);
      const b0 = performance.now();
      like.all(`%${q.replace(/["*]/g, "").split(" ")[0]}%`);
      baseline.push(performance.now() - b0);
    }
    const s = stats(samples);
    const b = stats(baseline);
    return [judge({
      id: "inbox.search.p50",
      group: "inbox",
      name: `search over ${messages / 1000}k messages (in-process)`,
      unit: "ms",
      value: s.p50,
      p95: s.p95,
      n: s.n,
      baseline: { name: "LIKE scan of every body, no index", value: b.p50, p95: b.p95, unit: "ms" },
      ratio: s.p50 / b.p50,
      target: { kind: "value_max", value: TARGET_P50_MS, text: `<= ${TARGET_P50_MS} ms` },
      note:
        `searchInbox (FTS5, bm25, snippets, top 20) for words, pairs, phrases, prefixes and an agent filter over a Zipf vocabulary of ${VOCABULARY}; ${hits} hits in all`,
      detail: { stats: s, baseline_stats: b, messages, queries: queries.length },
    })];
  } finally {
    await db.close();
  }
}
