/**
 * `orch brief` checks the database it sends the worker to, and renders from
 * `council start` output too (issue 11 item 9).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { cli, ok, orch, tempDb } from "./_cli.ts";

type Json = Record<string, unknown>;

Deno.test("orch brief --db of a missing database is DB_NOT_FOUND and prints no brief", async () => {
  await using env = await tempDb();
  await ok(orch(env.db, "run", "init", "--run", "r", "--goal", "g"));
  await ok(orch(env.db, "task", "add", "--run", "r", "--task", "A", "--title", "A"));
  const d = await orch(
    env.db,
    "dispatch",
    "--run",
    "r",
    "--task",
    "A",
    "--to",
    "w",
    "--execution-mode",
    "analysis",
  );
  const saved = join(env.dir, "d.json");
  await Deno.writeTextFile(saved, d.stdout);
  const wrong = join(env.dir, "elsewhere", "coord.db");
  const r = await cli("orch", ["--db", wrong, "brief", "--dispatch-json", saved]);
  assert.equal(r.code, 3);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /DB_NOT_FOUND/);
  const good = await cli("orch", ["--db", env.db, "brief", "--dispatch-json", saved]);
  assert.equal(good.code, 0, good.stderr);
});

Deno.test("orch brief renders a council reviewer's brief from council start output", async () => {
  await using env = await tempDb();
  const started = await orch(
    env.db,
    "council",
    "start",
    "--run",
    "c1",
    "--topic",
    "Harden it",
    "--body",
    "Review the plan for launch.",
  );
  assert.equal(started.code, 0, started.stdout);
  const saved = join(env.dir, "council.json");
  await Deno.writeTextFile(saved, started.stdout);
  const attempts = (started.json as Json)["attempts"] as Json[];
  const second = attempts[1]!;

  const b = await ok(
    orch(env.db, "brief", "--dispatch-json", saved, "--agent", String(second["assigned_to"])),
  );
  assert.equal(b["agent"], second["assigned_to"]);
  assert.equal(b["thread_id"], second["thread_id"]);
  assert.match(String(b["brief"]), /Review the plan for launch\./);
  assert.match(String(b["brief"]), new RegExp(`--thread ${second["thread_id"]}\\b`));

  const pick = await orch(env.db, "brief", "--dispatch-json", saved);
  assert.equal(pick.json.error?.code, "USAGE");
  assert.match(String(pick.json.error?.message), /--agent \(reviewer-1, reviewer-2, reviewer-3\)/);
});
