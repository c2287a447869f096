/**
 * Errors the store and git layers raise about something a flag sets carry a
 * stable code and `details.reason`; the CLI words them with the flag's name
 * (src/cli/error_wording.ts). Each case here fails if the wording is lost.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { cli, inbox, newStore, ok, orch, tempDb } from "./_cli.ts";
import { assertError, seedRun } from "./_orch.ts";
import { git } from "./_git.ts";

Deno.test("CLI wording: orch dispatch of a task without a default worker says to pass --to", async () => {
  await using env = await tempDb();
  await ok(orch(env.db, "run", "init", "--run", "R", "--goal", "g"));
  await ok(orch(env.db, "task", "add", "--run", "R", "--task", "A", "--title", "a"));
  const r = await orch(
    env.db,
    "dispatch",
    "--run",
    "R",
    "--task",
    "A",
    "--execution-mode",
    "analysis",
  );
  assertError(r, "USAGE", 2);
  assert.equal(r.json.error!.message, 'Task "A" has no default worker: pass --to AGENT');
});

Deno.test("CLI wording: inbox update names the flags it needs, and how to claim", async () => {
  await using env = await tempDb();
  await seedRun(env.db, "R", { A: "wa" });
  const d = await ok(
    orch(env.db, "dispatch", "--run", "R", "--task", "A", "--execution-mode", "analysis"),
  );
  const thread = String((d["attempt"] as Record<string, unknown>)["thread_id"]);
  const ref = ["--agent", "wa", "--thread", thread];

  const unclaimed = await inbox(env.db, "update", ...ref, "--body", "x");
  assertError(unclaimed, "INVALID_STATE", 4);
  assert.equal(
    unclaimed.json.error!.message,
    `Thread ${thread} is not claimed: claim it first with "inbox claim --thread ${thread}"`,
  );

  await ok(inbox(env.db, "claim", ...ref));
  const nothing = await inbox(env.db, "update", ...ref);
  assertError(nothing, "USAGE", 2);
  assert.equal(
    nothing.json.error!.message,
    "Nothing to update: pass --body, --body-file, --progress or --status",
  );
  const noQuestion = await inbox(env.db, "update", ...ref, "--status", "blocked");
  assertError(noQuestion, "USAGE", 2);
  assert.equal(
    noQuestion.json.error!.message,
    "A blocked update needs the question: pass --body or --body-file",
  );
});

Deno.test("CLI wording: a strict database without a token names --token and the program's variable", async () => {
  const dir = await Deno.makeTempDir({ prefix: "wording-test-" });
  const store = await newStore(dir);
  try {
    await ok(inbox(store.db, "init", "--require-tokens"));
    const o = await orch(store.db, "run", "show", "--run", "R");
    assertError(o, "FORBIDDEN", 4);
    assert.equal(
      o.json.error!.message,
      "This database requires a token: pass --token or set ORCH_TOKEN",
    );
    // Text mode (stderr) gets the same wording.
    const i = await cli("inbox", ["--db", store.db, "fetch", "--agent", "w"]);
    assert.equal(i.code, 4);
    assert.match(i.stderr, /requires a token: pass --token or set INBOX_TOKEN\n$/);
  } finally {
    await store.drop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("CLI wording: a code dispatch on an empty repository says to pass --base-ref", async () => {
  await using env = await tempDb();
  const repo = join(env.dir, "repo");
  await git(env.dir, "-c", "init.defaultBranch=main", "init", "--quiet", repo);
  await seedRun(env.db, "R", { A: "wa" });
  const r = await orch(
    env.db,
    "dispatch",
    "--run",
    "R",
    "--task",
    "A",
    "--execution-mode",
    "code",
    "--repo-path",
    repo,
  );
  assertError(r, "BASE_REF_NOT_FOUND", 5);
  assert.equal(
    r.json.error!.message,
    `Repository "${repo}" has no commits: commit something or pass --base-ref`,
  );
});
