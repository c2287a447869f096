import assert from "node:assert/strict";
import { openStorage } from "../src/storage/open_storage.ts";
import { InboxStore } from "../src/store/inbox_store.ts";
import { inbox, tempDb } from "./_cli.ts";
import { closing, integrityCheck, isPgUrl, queryRows, scalar } from "./_db.ts";

const THREADS = 200;
const PROCESSES = 8;

Deno.test("inbox claim: 8 processes claiming 200 threads claim each exactly once, never busy", async () => {
  await using env = await tempDb();
  const expected: number[] = [];
  {
    await using db = closing(await openStorage(env.db));
    const store = new InboxStore(db);
    await db.write(async () => {
      for (let i = 0; i < THREADS; i++) {
        expected.push(
          (await store.sendThread({ from: "lead", to: "w", subject: `t${i}`, body: "x" })).thread
            .id,
        );
      }
    });
  }

  const outputs: string[] = [];
  const claimedBy: number[][] = [];
  const loop = async (n: number) => {
    const mine: number[] = [];
    claimedBy[n] = mine;
    for (;;) {
      const r = await inbox(env.db, "claim", "--agent", "w");
      outputs.push(r.stdout + r.stderr);
      if (r.code === 3 && r.json.error?.code === "NO_CLAIMABLE_THREAD") return;
      assert.equal(r.code, 0, `claim failed: ${r.stdout} ${r.stderr}`);
      const thread = r.json["thread"] as { id: number; lease_epoch: number; claimed_by: string };
      assert.equal(thread.lease_epoch, 1);
      assert.equal(thread.claimed_by, "w");
      mine.push(thread.id);
    }
  };
  await Promise.all(Array.from({ length: PROCESSES }, (_, n) => loop(n)));

  const all = claimedBy.flat();
  assert.equal(all.length, THREADS, "claims in total");
  assert.equal(new Set(all).size, THREADS, "a thread was claimed twice");
  assert.deepEqual([...all].sort((a, b) => a - b), expected);
  // Every process got its share of the work: the claims really ran concurrently.
  assert.ok(claimedBy.filter((c) => c.length > 0).length > 1, "only one process claimed");
  for (const out of outputs) {
    assert.doesNotMatch(out, /STORAGE_BUSY|SQLITE_BUSY|database is locked|busy/i);
  }

  // SQLite's file check; a PostgreSQL server keeps its own files consistent.
  if (!isPgUrl(env.db)) assert.equal(integrityCheck(env.db), "ok");
  assert.equal(
    Number(await scalar(env.db, "SELECT COUNT(*) FROM events WHERE type = 'thread_claimed'")),
    THREADS,
  );
  assert.equal(
    Number(
      await scalar(
        env.db,
        "SELECT COUNT(DISTINCT thread_id) FROM events WHERE type = 'thread_claimed'",
      ),
    ),
    THREADS,
  );
  const states = await queryRows(
    env.db,
    "SELECT status, lease_epoch, claimed_by, COUNT(*) AS n FROM threads GROUP BY 1, 2, 3",
  );
  assert.deepEqual(states.map((r) => ({ ...r })), [
    { status: "claimed", lease_epoch: 1, claimed_by: "w", n: THREADS },
  ]);
});
