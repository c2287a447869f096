/**
 * `inbox fetch` is the worker's "find my work": by default it shows only
 * actionable messages, with the full view behind --all (issue 11 item 6).
 */
import assert from "node:assert/strict";
import { inbox, ok, tempDb } from "./_cli.ts";

type Json = Record<string, unknown>;
const bodies = (r: Json) => (r["messages"] as Json[]).map((m) => m["body"]);

Deno.test("inbox fetch leaves out finished threads' messages to the worker, --all shows them", async () => {
  await using env = await tempDb();
  const send = (subject: string) =>
    ok(
      inbox(env.db, "send", "--from", "lead", "--to", "w", "--subject", subject, "--body", subject),
    );
  const first = await send("old task");
  const t1 = String((first["thread"] as Json)["id"]);
  await ok(inbox(env.db, "claim", "--agent", "w", "--thread", t1));
  await ok(inbox(env.db, "done", "--agent", "w", "--thread", t1, "--body", "finished"));
  await send("new task");

  const full = await ok(inbox(env.db, "fetch", "--agent", "w", "--peek", "--all"));
  assert.deepEqual(bodies(full), ["old task", "new task"]);
  assert.equal(full["hidden"], 0);

  const work = await ok(inbox(env.db, "fetch", "--agent", "w"));
  assert.deepEqual(bodies(work), ["new task"]);
  assert.equal(work["hidden"], 1);
  const again = await ok(inbox(env.db, "fetch", "--agent", "w"));
  assert.deepEqual(bodies(again), []);
  assert.equal(again["hidden"], 0);

  // The requester still gets the outcome of the thread it started.
  const lead = await ok(inbox(env.db, "fetch", "--agent", "lead"));
  assert.deepEqual(bodies(lead), ["finished"]);
});

Deno.test("inbox fetch --limit counts only actionable messages and keeps the rest unread", async () => {
  await using env = await tempDb();
  for (const subject of ["a", "b", "c"]) {
    const sent = await ok(
      inbox(env.db, "send", "--from", "lead", "--to", "w", "--subject", subject, "--body", subject),
    );
    if (subject === "a") {
      const id = String((sent["thread"] as Json)["id"]);
      await ok(inbox(env.db, "cancel", "--agent", "lead", "--thread", id, "--body", "dropped"));
    }
  }
  const one = await ok(inbox(env.db, "fetch", "--agent", "w", "--limit", "1"));
  assert.deepEqual(bodies(one), ["b"]);
  assert.equal(one["hidden"], 2); // task "a" and its cancel message
  const rest = await ok(inbox(env.db, "fetch", "--agent", "w"));
  assert.deepEqual(bodies(rest), ["c"]);
});
