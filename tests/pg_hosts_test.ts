/**
 * Several "hosts" on one PostgreSQL store (issue 8 item 5). Each host is a
 * set of separate processes with its own working directory and its own temp
 * files; the only thing the hosts share is the store's URL (no file, no
 * environment). Skipped without TEST_PG_URL.
 */
import assert from "node:assert/strict";
import { cli, type CliResult } from "./_cli.ts";
import { queryRows, scalar } from "./_db.ts";
import { explainPgSkip, PG_SKIP, withPgDatabase } from "./_pg.ts";

explainPgSkip();

/** A host: a working directory of its own; its commands reach the store only by URL. */
interface Host {
  name: string;
  dir: string;
  inbox(...args: string[]): Promise<CliResult>;
}

async function _host(name: string, url: string): Promise<Host & AsyncDisposable> {
  const dir = await Deno.makeTempDir({ prefix: `host-${name}-` });
  return {
    name,
    dir,
    inbox: (...args) => cli("inbox", ["--db", url, "--json", ...args], { cwd: dir }),
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

function _hostsTest(name: string, fn: (url: string, a: Host, b: Host) => Promise<void>): void {
  Deno.test({
    name,
    ignore: PG_SKIP,
    fn: () =>
      withPgDatabase(async (url) => {
        await using a = await _host("a", url);
        await using b = await _host("b", url);
        const init = await a.inbox("init");
        assert.equal(init.code, 0, init.stdout + init.stderr);
        await fn(url, a, b);
      }),
  });
}

/** How many threads the leader on host A puts in the pool. */
const POOL = 10;
/** Claimers per worker host: more than the pool holds, so some find nothing. */
const CLAIMERS_PER_HOST = 7;

_hostsTest(
  "two worker hosts claim from one pool: every thread once, no double claim",
  async (url, a, b) => {
    for (let i = 0; i < POOL; i++) {
      const r = await a.inbox(
        "send",
        "--from",
        "lead",
        "--to",
        "pool",
        "--subject",
        `job ${i}`,
        "--body",
        "b",
      );
      assert.equal(r.code, 0, r.stdout + r.stderr);
    }
    const claims = await Promise.all(
      [a, b].flatMap((host) =>
        Array.from({ length: CLAIMERS_PER_HOST }, () => host.inbox("claim", "--agent", "pool"))
      ),
    );
    const won = claims.filter((r) => r.code === 0).map((r) =>
      Number((r.json["thread"] as { id: number }).id)
    );
    const empty = claims.filter((r) => r.code !== 0);
    assert.equal(won.length, POOL, "every thread claimed once");
    assert.equal(new Set(won).size, POOL, `a thread was claimed twice: ${won}`);
    for (const r of empty) {
      assert.equal(
        r.json.error?.code,
        "NO_CLAIMABLE_THREAD",
        r.stdout + r.stderr,
      );
    }
    const rows = await queryRows(url, "SELECT lease_epoch FROM threads");
    assert.ok(
      rows.every((r) => Number(r["lease_epoch"]) === 1),
      "a thread was claimed more than once",
    );
  },
);

_hostsTest(
  "a question asked on host B is answered from host A and B's wait wakes",
  async (_url, a, b) => {
    const sent = await a.inbox(
      "send",
      "--from",
      "lead",
      "--to",
      "wb",
      "--subject",
      "port?",
      "--body",
      "b",
    );
    const thread = String((sent.json["thread"] as { id: number }).id);
    assert.equal((await b.inbox("claim", "--agent", "wb", "--thread", thread)).code, 0);
    const asked = await b.inbox(
      "update",
      "--agent",
      "wb",
      "--thread",
      thread,
      "--status",
      "blocked",
      "--body",
      "Which port?",
    );
    assert.equal(asked.code, 0, asked.stdout + asked.stderr);
    // B waits (a process of its own), then A answers: the wait ends with A's reply.
    const waiting = b.inbox(
      "wait-reply",
      "--agent",
      "wb",
      "--thread",
      thread,
      "--timeout-seconds",
      "120",
    );
    const answered = await a.inbox(
      "reply",
      "--agent",
      "lead",
      "--thread",
      thread,
      "--body",
      "Use 8080.",
    );
    assert.equal(answered.code, 0, answered.stdout + answered.stderr);
    const woke = await waiting;
    assert.equal(woke.code, 0, woke.stdout + woke.stderr);
    assert.equal(woke.json["timed_out"], false);
    assert.equal((woke.json["message"] as { body: string }).body, "Use 8080.");
  },
);

_hostsTest("a worker host killed mid-command loses nothing it reported done", async (url, a, b) => {
  const threads: string[] = [];
  for (let i = 0; i < POOL; i++) {
    const r = await a.inbox(
      "send",
      "--from",
      "lead",
      "--to",
      "wk",
      "--subject",
      `t${i}`,
      "--body",
      "b",
    );
    const id = String((r.json["thread"] as { id: number }).id);
    assert.equal((await b.inbox("claim", "--agent", "wk", "--thread", id)).code, 0);
    threads.push(id);
  }
  // Host B reports each thread done and is killed at a different moment each time (its
  // connection dies with it): whatever a `done` reported must be in the store.
  const { cliCommand } = await import("./_cli.ts");
  const reported: string[] = [];
  for (const [i, id] of threads.entries()) {
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        ...cliCommand("inbox", "postgres"),
        "--db",
        url,
        "--json",
        "done",
        "--agent",
        "wk",
        "--thread",
        id,
        "--body",
        "ok",
      ],
      cwd: b.dir,
      stdout: "piped",
      stderr: "null",
      env: { NO_COLOR: "1" },
    }).spawn();
    const killAt = i * 40;
    const killer = setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch { /* already gone */ }
    }, killAt);
    const out = await child.output();
    clearTimeout(killer);
    const text = new TextDecoder().decode(out.stdout).trim();
    if (out.code === 0 && text.includes('"ok":true')) reported.push(id);
  }
  const done = new Set(
    (await queryRows(url, "SELECT id FROM threads WHERE status = 'done'")).map((r) =>
      String(r["id"])
    ),
  );
  for (const id of reported) assert.ok(done.has(id), `thread ${id} was reported done but is not`);
  // Nothing half-written: a done thread has its closing message and event.
  for (const id of done) {
    assert.equal(
      Number(
        await scalar(
          url,
          "SELECT COUNT(*) FROM events WHERE thread_id = ? AND type = 'thread_done'",
          Number(id),
        ),
      ),
      1,
    );
  }
});
