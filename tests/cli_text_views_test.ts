/**
 * The text views of the read commands (no --json): they are made only when
 * printed (a table costs time a JSON reader does not need), and they are
 * printed. Each view names what the JSON holds.
 */
import assert from "node:assert/strict";
import { cli, inbox, ok, orch, tempDb } from "./_cli.ts";
import { seedRun } from "./_orch.ts";

Deno.test("inbox list / show and orch ready print their text views without --json", async () => {
  await using env = await tempDb();
  const sent = await ok(
    inbox(
      env.db,
      "send",
      "--from",
      "lead",
      "--to",
      "w1",
      "--subject",
      "Port the parser",
      "--body",
      "Use the new grammar",
    ),
  );
  const id = String((sent["thread"] as Record<string, unknown>)["id"]);
  await seedRun(env.db, "R", { A: "w1" }, []);

  const list = await cli("inbox", ["--db", env.db, "list"]);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /^ID\s+STATUS\s+FROM\s+TO\s+HOLDER\s+PROGRESS\s+SUBJECT$/m);
  assert.match(list.stdout, new RegExp(`^${id}\\s+open\\s+lead\\s+w1\\s.*Port the parser$`, "m"));

  const show = await cli("inbox", ["--db", env.db, "show", "--thread", id]);
  assert.equal(show.code, 0, show.stderr);
  assert.match(show.stdout, /Port the parser/);
  assert.match(show.stdout, /Use the new grammar/);

  const ready = await cli("orch", ["--db", env.db, "ready", "--run", "R"]);
  assert.equal(ready.code, 0, ready.stderr);
  assert.match(ready.stdout, /^TASK\s+STATUS\s+DEPENDS ON\s+DEFAULT TO\s+TITLE$/m);
  assert.match(ready.stdout, /^A\s+ready\s/m);

  // With --json, the same commands print one JSON line and no table.
  const json = await orch(env.db, "ready", "--run", "R");
  assert.equal(json.json.ok, true);
  assert.doesNotMatch(json.stdout, /TASK\s+STATUS/);
});
