/**
 * Waits wake on the commit, not on the slow safety re-check (issue 12 item
 * 2). `inbox watch --safety-recheck-seconds` (hidden, for tests) pushes the
 * re-check and the fallback poll far past the wait's own timeout, so only
 * the wake file's notification of the commit can deliver the message: a
 * watch that relied on the re-check would end timed out with no message.
 * And the other way round: a commit no notification announces is found by
 * the slow fallback sample, long before the wait's timeout.
 */
import assert from "node:assert/strict";
import { cli, inbox, ok, tempDb, until } from "./_cli.ts";
import { type Json } from "./_orch.ts";
import { hasFileOpen, lines, spawnCli } from "./_spawn.ts";
import { execSql } from "./_db.ts";

/** The wait's own timeout: the re-check below is far past it. */
const TIMEOUT_SECONDS = 30;
const RECHECK_SECONDS = 3600;

/**
 * Runs `inbox watch --agent w --max 2` (plus `args`) and makes two commits
 * with `commit`, the second only once the first message arrived: woken only
 * at its deadline (the last check before giving up), the watch would still
 * see the first message, but then have no time left for the second. Returns
 * every line the watch printed and its exit status.
 */
async function _watchTwoCommits(
  db: string,
  args: string[],
  commit: (body: string) => Promise<void>,
): Promise<{ got: Json[]; code: number }> {
  const watcher = spawnCli("inbox", [
    "--db",
    db,
    "--json",
    "watch",
    "--agent",
    "w",
    "--max",
    "2",
    "--timeout-seconds",
    `${TIMEOUT_SECONDS}`,
    ...args,
  ]);
  try {
    await until(() => watcher.exited() || hasFileOpen(watcher.child.pid, db), {
      what: "watch to open the database",
    });
    const reader = lines(watcher.child.stdout);
    const got: Json[] = [];
    for (const body of ["m1", "m2"]) {
      await commit(body);
      const next = await reader.next();
      if (next.done) break;
      got.push(JSON.parse(next.value));
      if (got[got.length - 1]?.["type"] === "end") break;
    }
    for await (const line of reader) got.push(JSON.parse(line));
    return { got, code: (await watcher.child.status).code };
  } finally {
    watcher.killIfRunning("SIGTERM");
    await watcher.child.status;
    await watcher.child.stderr.cancel();
  }
}

/** Both commits' messages came, in order, and the watch ended before its timeout, exit 0. */
function _assertBothDelivered(r: { got: Json[]; code: number }, failure: string): void {
  assert.deepEqual(
    r.got.filter((g) => g["type"] === "message").map((g) => (g["message"] as Json)["body"]),
    ["m1", "m2"],
    `${failure}: ${JSON.stringify(r.got)}`,
  );
  assert.equal(r.got[r.got.length - 1]?.["timed_out"], false, JSON.stringify(r.got));
  assert.equal(r.code, 0);
}

Deno.test("inbox watch wakes on another process's commit with the safety re-check pushed past its timeout", async () => {
  await using env = await tempDb();
  const r = await _watchTwoCommits(
    env.db,
    ["--safety-recheck-seconds", `${RECHECK_SECONDS}`],
    async (body) => {
      await ok(
        inbox(env.db, "send", "--from", "lead", "--to", "w", "--subject", "s", "--body", body),
      );
    },
  );
  _assertBothDelivered(r, "the watch did not wake on each commit");
});

Deno.test("inbox watch --safety-recheck-seconds is hidden from help and the command surface", async () => {
  await using env = await tempDb();
  const help = await cli("inbox", ["--db", env.db, "watch", "--help"]);
  assert.match(help.stdout, /--after-message/);
  assert.doesNotMatch(help.stdout, /safety-recheck/);
  const surface = await inbox(env.db, "watch", "--help");
  assert.match(surface.stdout, /"--after-message"/);
  assert.doesNotMatch(surface.stdout, /safety-recheck/);
});

Deno.test("inbox watch sees commits no notification announced (another program's) at its slow fallback, long before its timeout", async () => {
  await using env = await tempDb();
  const sent = await ok(
    inbox(env.db, "send", "--from", "lead", "--to", "w", "--subject", "s", "--body", "first"),
  );
  const thread = (sent["thread"] as Json)["id"] as number;
  // Written behind the programs' backs: SQLite's wake file is not touched (PostgreSQL has no
  // NOTIFY from a bare INSERT either), so only the fallback sample can find these messages.
  const r = await _watchTwoCommits(
    env.db,
    ["--after-message", String((sent["message"] as Json)["id"])],
    (body) =>
      execSql(
        env.db,
        `INSERT INTO messages (thread_id, from_agent, to_agent, type, body, ts)
         VALUES (?, 'lead', 'w', 'note', ?, ?)`,
        thread,
        body,
        new Date().toISOString(),
      ),
  );
  _assertBothDelivered(r, "the watch missed a commit no notification announced");
});
