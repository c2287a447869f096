/**
 * LEASE_LOST says what the inbox skill says (stop; claim again only if the
 * leader says so), and an epoch no claim ever had is reported as such
 * (issue 11 item 7).
 */
import assert from "node:assert/strict";
import { inbox, ok, tempDb, until } from "./_cli.ts";

type Json = Record<string, unknown>;
const SKILL = new URL("../skills/inbox/SKILL.md", import.meta.url);

async function _claimed(db: string, leaseSeconds: string): Promise<{ id: string; thread: Json }> {
  const sent = await ok(
    inbox(db, "send", "--from", "lead", "--to", "w", "--subject", "job", "--body", "do it"),
  );
  const id = String((sent["thread"] as Json)["id"]);
  const claimed = await ok(
    inbox(db, "claim", "--agent", "w", "--thread", id, "--lease-seconds", leaseSeconds),
  );
  return { id, thread: claimed["thread"] as Json };
}

Deno.test("LEASE_LOST after expiry tells the worker to stop, as the skill does, not to claim again", async () => {
  await using env = await tempDb();
  const { id, thread } = await _claimed(env.db, "1");
  const at = Date.parse(String(thread["lease_expires_at"]));
  await until(() => Date.now() > at, { what: "lease expiry" });
  const r = await inbox(env.db, "update", "--agent", "w", "--thread", id, "--progress", "5");
  assert.equal(r.json.error?.code, "LEASE_LOST");
  const message = String(r.json.error?.message);
  assert.match(message, /claim it again only if the leader tells you to/);
  assert.doesNotMatch(message, /: claim it again$/);
  const skill = await Deno.readTextFile(SKILL);
  assert.match(skill, /Do not\s+claim it again unless the leader tells you to/);
});

Deno.test("a --lease-epoch above any issued is INVALID_INPUT saying so, and writes nothing", async () => {
  await using env = await tempDb();
  const { id } = await _claimed(env.db, "600");
  const r = await inbox(
    env.db,
    "update",
    "--agent",
    "w",
    "--thread",
    id,
    "--lease-epoch",
    "9",
    "--progress",
    "5",
  );
  assert.equal(r.code, 2, r.stdout);
  assert.equal(r.json.error?.code, "INVALID_INPUT");
  assert.match(String(r.json.error?.message), /epoch 9 .*never issued.*latest epoch is 1/);
  const shown = await ok(inbox(env.db, "show", "--thread", id));
  assert.equal((shown["thread"] as Json)["progress"], null);
});

Deno.test("a --lease-epoch from before a re-claim is LEASE_LOST naming the new claim", async () => {
  await using env = await tempDb();
  const { id } = await _claimed(env.db, "1");
  const shown = await ok(inbox(env.db, "show", "--thread", id));
  const at = Date.parse(String((shown["thread"] as Json)["lease_expires_at"]));
  await until(() => Date.now() > at, { what: "lease expiry" });
  await ok(inbox(env.db, "claim", "--agent", "w", "--thread", id));
  const r = await inbox(
    env.db,
    "done",
    "--agent",
    "w",
    "--thread",
    id,
    "--lease-epoch",
    "1",
    "--body",
    "late",
  );
  assert.equal(r.json.error?.code, "LEASE_LOST");
  assert.match(String(r.json.error?.message), /claimed again since \(epoch 2\)/);
});
