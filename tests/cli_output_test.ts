import assert from "node:assert/strict";
import { openStorage } from "../src/storage/open_storage.ts";
import { InboxStore } from "../src/store/inbox_store.ts";
import { cli, tempDb } from "./_cli.ts";
import { spawnCli } from "./_spawn.ts";

Deno.test("inbox list: a reader that goes away early ends the command quietly, no trace", async () => {
  await using env = await tempDb();
  const db = await openStorage(env.db);
  try {
    const store = new InboxStore(db);
    await db.write(async () => {
      for (let i = 0; i < 1500; i++) {
        await store.sendThread({
          from: "lead",
          to: "w",
          subject: `${i} ${"long subject ".repeat(150)}`,
          body: "x",
        });
      }
    });
  } finally {
    await db.close();
  }
  // ~3 MB of text: far more than a pipe holds, so the writer meets a closed pipe.
  const run = spawnCli("inbox", ["--db", env.db, "list", "--limit", "1500"]);
  const reader = run.child.stdout.getReader();
  const first = await reader.read();
  assert.ok(first.value && first.value.length > 0);
  await reader.cancel();
  const [status, stderr] = await Promise.all([
    run.child.status,
    new Response(run.child.stderr).text(),
  ]);
  assert.equal(status.code, 0, stderr);
  assert.doesNotMatch(stderr, /\s+at |BrokenPipe|error/);
});

Deno.test("orch brief: a missing required flag is named in a USAGE error, in kebab-case", async () => {
  await using env = await tempDb();
  const r = await cli("orch", ["--db", env.db, "--json", "brief"]);
  assert.equal(r.code, 2);
  assert.equal(r.json.error?.code, "USAGE");
  assert.equal(
    r.json.error?.message,
    "Missing flag --dispatch-json: it is required and needs a value",
  );
});

Deno.test("inbox --version and orch --version print the version", async () => {
  const { VERSION } = await import("../src/version.ts");
  for (const program of ["inbox", "orch"] as const) {
    const r = await cli(program, ["--version"]);
    assert.equal(r.code, 0);
    assert.equal(r.stdout.trim(), VERSION);
  }
});
