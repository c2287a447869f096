/**
 * Hardening of what a worker (or any caller) can feed the programs: JSON
 * nesting and size, NUL bytes in bodies, reads of unbounded files. Each
 * test runs the real CLIs on a real database file.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { cli, inbox, ok, orch, tempDb } from "./_cli.ts";
import { dumpDb, withSqlite } from "./_db.ts";
import { assertError, type Json, seedRun } from "./_orch.ts";

function _nested(depth: number): string {
  return '{"k":'.repeat(depth - 1) + "{}" + "}".repeat(depth - 1);
}

async function _dispatchClaimed(db: string): Promise<string[]> {
  await seedRun(db, "R", { A: "wa" });
  const d = await ok(
    orch(db, "dispatch", "--run", "R", "--task", "A", "--execution-mode", "analysis"),
  );
  const attempt = d["attempt"] as Json;
  const ref = ["--agent", "wa", "--thread", String(attempt["thread_id"])];
  await ok(inbox(db, "claim", ...ref));
  return ref;
}

Deno.test("inbox update --payload-json: nesting over 64 is INVALID_INPUT, changes nothing, status still works", async () => {
  await using env = await tempDb();
  const ref = await _dispatchClaimed(env.db);
  const before = dumpDb(env.db);
  for (const depth of [65, 1001]) {
    const r = await inbox(
      env.db,
      "update",
      ...ref,
      "--body",
      "x",
      "--payload-json",
      _nested(depth),
    );
    assertError(r, "INVALID_INPUT", 2);
    assert.match(r.json.error!.message, /--payload-json is nested more than 64 levels deep/);
  }
  assert.deepEqual(dumpDb(env.db), before);
  await ok(inbox(env.db, "update", ...ref, "--body", "x", "--payload-json", _nested(64)));
  const s = await ok(orch(env.db, "status", "--run", "R"));
  assert.equal((s["tasks"] as Json[])[0]!["id"], "A");
});

Deno.test("orch task add --acceptance-json: nesting over 64 is INVALID_INPUT, changes nothing", async () => {
  await using env = await tempDb();
  await ok(orch(env.db, "run", "init", "--run", "R", "--goal", "g"));
  const add = (json: string) =>
    orch(
      env.db,
      "task",
      "add",
      "--run",
      "R",
      "--task",
      "T",
      "--title",
      "t",
      "--acceptance-json",
      json,
    );
  const before = dumpDb(env.db);
  const r = await add(_nested(1001));
  assertError(r, "INVALID_INPUT", 2);
  assert.match(r.json.error!.message, /--acceptance-json is nested more than 64 levels deep/);
  assert.deepEqual(dumpDb(env.db), before);
});

Deno.test("orch status: a payload and acceptance stored 1,001 deep by an older version read as null, the run stays visible", async () => {
  await using env = await tempDb();
  const ref = await _dispatchClaimed(env.db);
  await ok(inbox(env.db, "update", ...ref, "--body", "deep", "--payload-json", '{"a":1}'));
  withSqlite(env.db, (d) => {
    d.prepare("UPDATE messages SET payload = ? WHERE body = 'deep'").run(_nested(1001));
    d.prepare("UPDATE tasks SET acceptance = ? WHERE id = 'A'").run("{not json");
  });
  const s = await ok(orch(env.db, "status", "--run", "R"));
  const task = (s["tasks"] as Json[])[0]!;
  assert.equal(task["acceptance"], null);
  assert.equal((task["latest_message"] as Json)["body"], "deep");
  assert.equal((task["latest_message"] as Json)["payload"], null);
  const text = await cli("orch", ["--db", env.db, "status", "--run", "R"]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /\bA\b/);
  const shown = await ok(inbox(env.db, "show", "--thread", ref[3]!));
  const messages = shown["messages"] as Json[];
  assert.equal(messages.find((m) => m["body"] === "deep")!["payload"], null);
});

Deno.test("inbox send --body-file: a NUL byte is INVALID_INPUT naming the flag, nothing is stored", async () => {
  await using env = await tempDb();
  const file = join(env.dir, "body.txt");
  await Deno.writeFile(file, new TextEncoder().encode("before\0after"));
  const before = dumpDb(env.db);
  const send = ["send", "--from", "a", "--to", "b", "--subject", "s"];
  const r = await inbox(env.db, ...send, "--body-file", file);
  assertError(r, "INVALID_INPUT", 2);
  assert.match(
    r.json.error!.message,
    /given to --body-file contains a NUL byte \(at character 6\)/,
  );
  const piped = await cli("inbox", ["--db", env.db, "--json", ...send, "--body-file", "-"], {
    stdin: "x\0",
  });
  assertError(piped, "INVALID_INPUT", 2);
  assert.deepEqual(dumpDb(env.db), before);
});

Deno.test("inbox show/fetch: every other character of a body comes back whole", async () => {
  await using env = await tempDb();
  const body = "a\x01\x07\x1b[31m\x7f\u2028é😀\r\nz";
  const file = join(env.dir, "body.txt");
  await Deno.writeTextFile(file, body);
  const sent = await ok(
    inbox(env.db, "send", "--from", "a", "--to", "b", "--subject", "s", "--body-file", file),
  );
  const thread = String((sent["thread"] as Json)["id"]);
  const shown = await ok(inbox(env.db, "show", "--thread", thread));
  assert.equal((shown["messages"] as Json[])[0]!["body"], body);
  const fetched = await ok(inbox(env.db, "fetch", "--agent", "b"));
  assert.equal((fetched["messages"] as Json[])[0]!["body"], body);
});
