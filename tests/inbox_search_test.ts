/**
 * `inbox search`: FTS5 over thread subjects and message bodies, kept in step
 * by the same transactions as the writes, filtered, ranked, with snippets;
 * hostile queries get INVALID_INPUT or results, never INTERNAL; a database
 * made before the index existed is indexed by its migration.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { cli, type CliResult, inbox, ok, orch, tempDb } from "./_cli.ts";
import { isPgUrl, scalar, withSqlite } from "./_db.ts";

type Hit = Record<string, unknown>;

async function search(db: string, ...args: string[]): Promise<Hit[]> {
  return (await ok(inbox(db, "search", ...args)))["hits"] as Hit[];
}

/**
 * FTS5's own check that an external-content index matches its table (a
 * SQLite check; PostgreSQL's side tables are kept by plain triggers, checked
 * in src/storage/postgres/migrate_test.ts).
 */
function assertIndexInStep(db: string): void {
  if (isPgUrl(db)) return;
  withSqlite(db, (d) => {
    d.exec("INSERT INTO threads_fts (threads_fts, rank) VALUES ('integrity-check', 1)");
    d.exec("INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)");
  });
}

async function send(db: string, from: string, to: string, subject: string, body: string) {
  const r = await ok(
    inbox(db, "send", "--from", from, "--to", to, "--subject", subject, "--body", body),
  );
  return r["thread"] as { id: number };
}

Deno.test("search finds subjects and bodies, best first, with snippets", async () => {
  await using env = await tempDb();
  const db = env.db;
  const t1 = await send(db, "lead", "w1", "Fix the lease renewal", "Renewal fails after a minute");
  await send(db, "lead", "w2", "Write docs", "Mention the lease once in passing, among many words");
  await send(db, "lead", "w2", "Unrelated", "Nothing to see");

  const hits = await search(db, "lease");
  assert.deepEqual(
    hits.map((h) => `${h["kind"]}:${h["thread_id"]}`).sort(),
    ["message:2", `thread:${t1.id}`].sort(),
  );
  for (const h of hits) assert.match(String(h["snippet"]), /\*\*lease\*\*/i);
  const scores = hits.map((h) => Number(h["score"]));
  assert.deepEqual(scores, [...scores].sort((a, b) => b - a));

  // Words must all match; stemming finds other forms; phrases keep order.
  assert.deepEqual((await search(db, "renewal", "fails")).map((h) => h["message_id"]), [1]);
  assert.equal((await search(db, "renewal", "docs")).length, 0);
  assert.equal((await search(db, "failing")).length, 1);
  assert.equal((await search(db, '"lease renewal"')).length, 1);
  assert.equal((await search(db, '"renewal lease"')).length, 0);
  assert.equal((await search(db, "renew*")).length, 2);

  const text = await cli("inbox", ["--db", db, "search", "lease"]);
  assert.equal(text.code, 0);
  assert.match(text.stdout, new RegExp(`^thread ${t1.id} \\[open\\] Fix the lease renewal$`, "m"));
  assert.match(text.stdout, /^ {2}Fix the \*\*lease\*\* renewal$/m);
});

Deno.test("search --agent, --run and --limit narrow the hits", async () => {
  await using env = await tempDb();
  const db = env.db;
  await send(db, "lead", "w1", "alpha one", "alpha body");
  await send(db, "lead", "w2", "alpha two", "alpha body");
  await ok(orch(db, "run", "init", "--run", "r1", "--goal", "g"));
  await ok(
    orch(
      db,
      "task",
      "add",
      "--run",
      "r1",
      "--task",
      "t1",
      "--title",
      "alpha task",
      "--default-to",
      "w3",
    ),
  );
  await ok(orch(db, "dispatch", "--run", "r1", "--task", "t1", "--execution-mode", "analysis"));

  const all = await search(db, "alpha", "--limit", "100");
  assert.ok(all.length >= 5, JSON.stringify(all));
  const w1 = await search(db, "alpha", "--agent", "w1");
  assert.ok(w1.length > 0);
  assert.ok(w1.every((h) => h["to_agent"] === "w1" || h["from_agent"] === "w1"));
  const run = await search(db, "alpha", "--run", "r1");
  assert.ok(run.length > 0);
  assert.ok(run.every((h) => h["run_id"] === "r1" && h["task_id"] === "t1"));
  assert.equal((await search(db, "alpha", "--run", "nope")).length, 0);
  assert.equal((await search(db, "alpha", "--limit", "2")).length, 2);
  const bad = await inbox(db, "search", "alpha", "--limit", "0");
  assert.equal(bad.json.error?.code, "USAGE");
});

Deno.test("every write path keeps the index in step, in its own transaction", async () => {
  await using env = await tempDb();
  const db = env.db;
  const t = String((await send(db, "lead", "w1", "zebra subject", "zebra task body"))["id"]);
  const ref = ["--agent", "w1", "--thread", t];
  await ok(inbox(db, "claim", ...ref));
  await ok(inbox(db, "update", ...ref, "--body", "giraffe progress"));
  await ok(inbox(db, "update", ...ref, "--status", "blocked", "--body", "okapi question"));
  await ok(inbox(db, "reply", "--agent", "lead", "--thread", t, "--body", "llama answer"));
  await ok(inbox(db, "done", ...ref, "--body", "walrus result"));
  // A refused write adds nothing to the index either.
  const refused = await inbox(db, "update", ...ref, "--body", "narwhal late");
  assert.equal(refused.json.ok, false);
  for (const word of ["zebra", "giraffe", "okapi", "llama", "walrus"]) {
    assert.ok((await search(db, word)).length > 0, word);
  }
  assert.equal((await search(db, "narwhal")).length, 0);
  assertIndexInStep(db);
});

Deno.test("hostile queries give results or INVALID_INPUT, never INTERNAL", async () => {
  await using env = await tempDb();
  const db = env.db;
  await send(db, "lead", "w1", "NEAR OR AND NOT", 'body with "quotes" and (parens) and col:on * ^');
  const hostile = [
    '"',
    '"unbalanced',
    "(",
    ")",
    "NEAR(a b, 3)",
    "a OR",
    "AND",
    "NOT x",
    "*",
    "a*b",
    "^start",
    "col:on",
    "{subject body}: x",
    "'; DROP TABLE messages; --",
    "x".repeat(2000),
    "é",
  ];
  for (const q of hostile) {
    const r: CliResult = await inbox(db, "search", "--", q);
    if (r.json.ok === true) {
      assert.equal(r.code, 0);
    } else {
      assert.equal(r.code, 2, q);
      assert.ok(
        r.json.error?.code === "INVALID_INPUT" || r.json.error?.code === "USAGE",
        `${JSON.stringify(q)}: ${r.stdout}`,
      );
    }
  }
  assert.equal((await search(db, "--", "NEAR(a b, 3)")).length, 0);
  assert.equal((await search(db, "--", "NEAR")).length, 1);
  assert.equal((await search(db, "--", "(parens)")).length, 1);
  assert.equal(Number(await scalar(db, "SELECT count(*) AS n FROM messages")), 1);
  // After a bare --, words that look like flags are the query: "-x", "--json" (what each backend's
  // index makes of them is its own matter).
  for (const word of ["-x", "--json"]) {
    assert.equal((await ok(inbox(db, "search", "--", word)))["query"], word);
  }
});

Deno.test("a database made before the search index is indexed by the migration", async () => {
  const dir = await Deno.makeTempDir({ prefix: "search-migrate-" });
  try {
    const db = join(dir, "old.db");
    const initial = await Deno.readTextFile(new URL("../schema/001_initial.sql", import.meta.url));
    const raw = new DatabaseSync(db);
    raw.exec(initial);
    raw.exec("PRAGMA user_version = 1");
    const ts = new Date().toISOString();
    raw.prepare(
      `INSERT INTO threads (kind, from_agent, to_agent, subject, status, created_at, updated_at)
       VALUES ('task', 'lead', 'w1', 'ancient subject', 'open', ?, ?)`,
    ).run(ts, ts);
    raw.prepare(
      `INSERT INTO messages (thread_id, from_agent, to_agent, type, body, ts)
       VALUES (1, 'lead', 'w1', 'task', 'fossil body text', ?)`,
    ).run(ts);
    raw.close();

    assert.deepEqual((await search(db, "ancient")).map((h) => h["kind"]), ["thread"]);
    assert.deepEqual((await search(db, "fossil")).map((h) => h["message_id"]), [1]);
    assertIndexInStep(db);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
