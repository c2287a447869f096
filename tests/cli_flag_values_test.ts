/**
 * Values of value-taking flags are values, whatever they begin with; a flag
 * where a value should be is refused (issue 11 item 15).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { inbox, ok, orch, tempDb } from "./_cli.ts";

Deno.test("inbox takes '-x' and '-s' as the values of --reason and --subject", async () => {
  await using env = await tempDb();
  const sent = await ok(
    inbox(env.db, "send", "--from", "l", "--to", "w", "--subject", "-s", "--body", "b"),
  );
  const thread = String((sent.thread as { id: number }).id);
  assert.equal((sent.thread as { subject: string }).subject, "-s");
  await ok(inbox(env.db, "claim", "--agent", "w", "--thread", thread));
  const failed = await ok(
    inbox(env.db, "fail", "--agent", "w", "--thread", thread, "--reason", "-x"),
  );
  assert.match(JSON.stringify(failed), /"-x"/);
});

Deno.test("--body --db other.db is refused and touches neither database", async () => {
  await using env = await tempDb();
  const other = join(env.dir, "other.db");
  const r = await inbox(
    env.db,
    "send",
    "--from",
    "l",
    "--to",
    "w",
    "--subject",
    "s",
    "--body",
    "--db",
    other,
  );
  assert.equal(r.code, 2);
  assert.equal(r.json.error?.code, "USAGE");
  assert.match(String(r.json.error?.message), /--body=VALUE/);
  await assert.rejects(Deno.stat(other));
  const list = await ok(inbox(env.db, "list"));
  assert.deepEqual(list.threads, []);
});

Deno.test("orch takes a value beginning with '-' for --title", async () => {
  await using env = await tempDb();
  await ok(orch(env.db, "run", "init", "--run", "r", "--goal", "-g"));
  const added = await ok(
    orch(env.db, "task", "add", "--run", "r", "--task", "T1", "--title", "-t"),
  );
  assert.match(JSON.stringify(added), /"title":"-t"/);
});
