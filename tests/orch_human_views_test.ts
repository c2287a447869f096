/**
 * The human views (issue 11 item 13): the status table names the current
 * holder, progress, lease left and age, with the full latest message on
 * demand; `ready` says why nothing is ready; dependencies read as sentences.
 */
import assert from "node:assert/strict";
import { cli, inbox, ok, orch, tempDb, until } from "./_cli.ts";
import { humanDuration } from "../src/cli/orch/impl.ts";

type Json = Record<string, unknown>;

function _row(text: string, task: string): Record<string, string> {
  const lines = text.split("\n");
  const header = lines.find((l) => l.startsWith("TASK "))!;
  const starts = [...header.matchAll(/\S+( \S+)*/g)].map((m) => [m.index!, m[0]] as const);
  const line = lines.find((l) => l.startsWith(task + " "))!;
  assert.ok(line, `no row for ${task} in:\n${text}`);
  return Object.fromEntries(
    starts.map(([at, name], i) => [name, line.slice(at, starts[i + 1]?.[0]).trim()]),
  );
}

Deno.test("status table: holder after a takeover, progress, lease left, age; --full shows the whole message", async () => {
  await using env = await tempDb();
  await ok(orch(env.db, "run", "init", "--run", "r", "--goal", "g"));
  await ok(orch(env.db, "task", "add", "--run", "r", "--task", "A", "--title", "A"));
  await ok(
    orch(
      env.db,
      "dispatch",
      "--run",
      "r",
      "--task",
      "A",
      "--to",
      "w1",
      "--execution-mode",
      "analysis",
    ),
  );
  const first = await ok(
    inbox(env.db, "claim", "--agent", "w1", "--thread", "1", "--lease-seconds", "1"),
  );
  const at = Date.parse(String((first["thread"] as Json)["lease_expires_at"]));
  await until(() => Date.now() > at, { what: "lease expiry" });
  await ok(inbox(env.db, "claim", "--agent", "w2", "--thread", "1", "--lease-seconds", "600"));
  await ok(
    inbox(
      env.db,
      "update",
      "--agent",
      "w2",
      "--thread",
      "1",
      "--progress",
      "40",
      "--body",
      "first line\nsecond line",
    ),
  );

  const text = (await cli("orch", ["--db", env.db, "status", "--run", "r"])).stdout;
  const row = _row(text, "A");
  assert.equal(row["HOLDER"], "w2");
  assert.equal(row["ATTEMPT"], "#1 w1");
  assert.equal(row["PROGRESS"], "40%");
  assert.match(row["LEASE LEFT"]!, /^\d+m\d\ds$/);
  assert.match(row["AGE"]!, /^\d+s$/);
  assert.match(row["LATEST MESSAGE"]!, /^progress: first line$/);
  assert.doesNotMatch(text, /second line/);
  assert.match(text, /--full/);

  const full = (await cli("orch", ["--db", env.db, "status", "--run", "r", "--full"])).stdout;
  assert.match(full, /first line\n\s+second line/);
});

Deno.test("ready with nothing ready names the tasks each pending task waits for", async () => {
  await using env = await tempDb();
  await ok(orch(env.db, "run", "init", "--run", "r", "--goal", "g"));
  await ok(orch(env.db, "task", "add", "--run", "r", "--task", "A", "--title", "A"));
  await ok(
    orch(env.db, "task", "add", "--run", "r", "--task", "B", "--title", "B", "--depends-on", "A"),
  );
  await ok(
    orch(
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
    ),
  );
  const r = await ok(orch(env.db, "ready", "--run", "r"));
  assert.deepEqual(r["tasks"], []);
  assert.deepEqual(r["waiting"], [{
    task_id: "B",
    waiting_on: [{ task_id: "A", status: "dispatched" }],
  }]);
  const text = (await cli("orch", ["--db", env.db, "ready", "--run", "r"])).stdout;
  assert.match(text, /B waits for A \(dispatched\)/);
});

Deno.test("dep add says which task depends on which", async () => {
  await using env = await tempDb();
  await ok(orch(env.db, "run", "init", "--run", "r", "--goal", "g"));
  await ok(orch(env.db, "task", "add", "--run", "r", "--task", "A", "--title", "A"));
  await ok(orch(env.db, "task", "add", "--run", "r", "--task", "B", "--title", "B"));
  const text = (await cli("orch", [
    "--db",
    env.db,
    "dep",
    "add",
    "--run",
    "r",
    "--task",
    "B",
    "--depends-on",
    "A",
  ]))
    .stdout;
  assert.equal(text, "Recorded: B depends on A\n");
});

Deno.test("humanDuration() writes seconds, minutes, hours and days", () => {
  assert.equal(humanDuration(45_000), "45s");
  assert.equal(humanDuration(725_000), "12m05s");
  assert.equal(humanDuration(3 * 3600_000 + 7 * 60_000), "3h07m");
  assert.equal(humanDuration(2 * 86400_000 + 4 * 3600_000), "2d04h");
  assert.equal(humanDuration(-5), "0s");
});
