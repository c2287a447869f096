/**
 * Commits survive a writer killed with SIGKILL at any point: the file passes
 * integrity_check, every write reported as committed is there, and no change
 * is half-applied (each thread has its first message, artifact and events).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { permissionsFor } from "../scripts/permissions.ts";
import { tempDb, TEST_BACKEND, until } from "./_cli.ts";
import { integrityCheck, isPgUrl, queryRows, scalar } from "./_db.ts";
import { lines, spawnCli, spawnScript } from "./_spawn.ts";

const FIXTURE = join(new URL(".", import.meta.url).pathname, "fixtures", "burst_writer.ts");

/** Every thread is whole: one first message, and exactly one thread_created event. */
async function _assertNoHalfWrites(db: string): Promise<number> {
  const threads = Number(await scalar(db, "SELECT COUNT(*) AS n FROM threads"));
  const broken = await queryRows(
    db,
    `SELECT * FROM (SELECT t.id,
       (SELECT COUNT(*) FROM messages m WHERE m.thread_id = t.id) AS messages,
       (SELECT COUNT(*) FROM events e WHERE e.thread_id = t.id AND e.type = 'thread_created') AS created
     FROM threads t) c
     WHERE messages <> 1 OR created <> 1`,
  );
  assert.deepEqual(broken, [], "threads with a missing or extra message/event");
  const orphans = await scalar(
    db,
    `SELECT (SELECT COUNT(*) FROM messages WHERE thread_id NOT IN (SELECT id FROM threads))
          + (SELECT COUNT(*) FROM events WHERE thread_id IS NOT NULL
               AND thread_id NOT IN (SELECT id FROM threads)) AS n`,
  );
  assert.equal(Number(orphans), 0, "rows of threads that do not exist");
  return threads;
}

/** The ids of the threads in `db`. */
async function _threadIds(db: string): Promise<Set<number>> {
  return new Set(
    (await queryRows(db, "SELECT id FROM threads")).map((r) => Number(r["id"])),
  );
}

Deno.test("inbox store: a writer killed with SIGKILL mid-burst loses no committed thread", async () => {
  await using env = await tempDb();
  const writer = spawnScript(FIXTURE, permissionsFor("inbox", TEST_BACKEND), [env.db]);
  const printed: number[] = [];
  const reader = lines(writer.child.stdout);
  while (printed.length < 60) {
    const next = await reader.next();
    if (next.done) break;
    printed.push(Number(next.value));
  }
  assert.equal(printed.length, 60, "the writer stopped before the kill");
  writer.child.kill("SIGKILL");
  const status = await writer.child.status;
  assert.equal(status.signal, "SIGKILL");
  // Ids printed before the kill that were still in the pipe are committed too.
  for await (const line of reader) printed.push(Number(line));
  await writer.child.stderr.cancel();

  // SQLite's file check; a PostgreSQL server keeps its own files consistent.
  if (!isPgUrl(env.db)) assert.equal(integrityCheck(env.db), "ok");
  const total = await _assertNoHalfWrites(env.db);
  const present = await _threadIds(env.db);
  const missing = printed.filter((id) => !present.has(id));
  assert.deepEqual(missing, []);
  assert.ok(total >= printed.length);
  // At most the one transaction in flight at the kill committed without being printed.
  assert.ok(total <= printed.length + 1, `${total} threads, ${printed.length} printed`);
  const artifacts = Number(await scalar(env.db, "SELECT COUNT(*) AS n FROM artifacts"));
  assert.equal(artifacts, total);
});

Deno.test("inbox send: of a burst of processes with one killed mid-flight, every one that exited 0 is recorded", async () => {
  await using env = await tempDb();
  const recorded: number[] = [];
  let killed = 0;
  for (let round = 0; round < 4; round++) {
    const procs = Array.from({ length: 6 }, (_, i) =>
      spawnCli("inbox", [
        "--db",
        env.db,
        "--json",
        "send",
        "--from",
        "lead",
        "--to",
        "w",
        "--subject",
        `r${round} s${i}`,
        "--body",
        "x",
      ]));
    // Kill the last one started as soon as a sibling has finished its write:
    // by then the victim, started a moment later, is most likely mid-run.
    const victim = procs[procs.length - 1]!;
    await until(() => procs.some((p) => p !== victim && p.exited()), {
      what: "a first send to finish",
    });
    try {
      victim.child.kill("SIGKILL");
    } catch (err) {
      // It finished first: then it must have succeeded, checked below.
      if (!(err instanceof TypeError && /already terminated/.test(err.message))) throw err;
    }
    for (const p of procs) {
      const out = await p.child.output();
      if (out.code === 0) {
        const j = JSON.parse(new TextDecoder().decode(out.stdout));
        assert.equal(j.ok, true);
        recorded.push(Number(j.thread.id));
      } else {
        assert.equal(
          p,
          victim,
          `a send that was not killed failed: ${new TextDecoder().decode(out.stdout)}`,
        );
        assert.equal(out.signal, "SIGKILL");
        killed++;
      }
    }
  }

  // SQLite's file check; a PostgreSQL server keeps its own files consistent.
  if (!isPgUrl(env.db)) assert.equal(integrityCheck(env.db), "ok");
  const total = await _assertNoHalfWrites(env.db);
  const present = await _threadIds(env.db);
  assert.deepEqual(recorded.filter((id) => !present.has(id)), []);
  // A killed send either committed whole or not at all.
  assert.ok(total >= recorded.length && total <= recorded.length + killed, `${total} threads`);
});
