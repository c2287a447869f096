/**
 * Hardening of what a worker (or any caller) can feed the programs: JSON
 * nesting and size, NUL bytes in bodies, reads of unbounded files. Each
 * test runs the real CLIs on a real database file.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { cli, cliCommand, type CliResult, inbox, ok, orch, SQLITE_ONLY, tempDb } from "./_cli.ts";
import { dumpDb, execSql } from "./_db.ts";
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
  const before = await dumpDb(env.db);
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
  assert.deepEqual(await dumpDb(env.db), before);
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
  const before = await dumpDb(env.db);
  const r = await add(_nested(1001));
  assertError(r, "INVALID_INPUT", 2);
  assert.match(r.json.error!.message, /--acceptance-json is nested more than 64 levels deep/);
  assert.deepEqual(await dumpDb(env.db), before);
});

// Rows an older SQLite-only version wrote (deeper than SQLite's JSON functions read); no
// PostgreSQL store ever held them.
Deno.test({
  name:
    "orch status: a payload and acceptance stored 1,001 deep by an older version read as null, the run stays visible",
  ignore: SQLITE_ONLY,
}, async () => {
  await using env = await tempDb();
  const ref = await _dispatchClaimed(env.db);
  await ok(inbox(env.db, "update", ...ref, "--body", "deep", "--payload-json", '{"a":1}'));
  await execSql(env.db, "UPDATE messages SET payload = ? WHERE body = 'deep'", _nested(1001));
  await execSql(env.db, "UPDATE tasks SET acceptance = ? WHERE id = 'A'", "{not json");
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
  const before = await dumpDb(env.db);
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
  assert.deepEqual(await dumpDb(env.db), before);
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

/** Runs inbox with `input` on stdin; the program may stop reading early (a broken pipe is fine). */
async function _pipeInto(args: string[], input: Uint8Array): Promise<CliResult> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [...cliCommand("inbox"), ...args],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const w = child.stdin.getWriter();
  await w.write(input).catch(() => {});
  await w.close().catch(() => {});
  const out = await child.output();
  const stdout = new TextDecoder().decode(out.stdout);
  return {
    code: out.code,
    stdout,
    stderr: new TextDecoder().decode(out.stderr),
    json: JSON.parse(stdout),
  };
}

const _SEND = ["send", "--from", "a", "--to", "b", "--subject", "s"];

Deno.test("inbox send --body-file: an endless stream (/dev/zero) is TOO_LARGE, read only to the limit", async () => {
  await using env = await tempDb();
  const before = await dumpDb(env.db);
  const r = await inbox(env.db, ..._SEND, "--body-file", "/dev/zero");
  assertError(r, "TOO_LARGE", 2);
  assert.match(
    r.json.error!.message,
    /^File "\/dev\/zero" given to --body-file is over the limit of 1048576 bytes$/,
  );
  assert.deepEqual(await dumpDb(env.db), before);
});

Deno.test("inbox send --body-file: a file or stdin over 1 MiB is TOO_LARGE; 1 MiB exactly is stored", async () => {
  await using env = await tempDb();
  const file = join(env.dir, "body.txt");
  await Deno.writeTextFile(file, "x".repeat(1024 * 1024 + 1));
  const before = await dumpDb(env.db);
  assertError(await inbox(env.db, ..._SEND, "--body-file", file), "TOO_LARGE", 2);
  const piped = await _pipeInto(
    ["--db", env.db, "--json", ..._SEND, "--body-file", "-"],
    new TextEncoder().encode("y".repeat(2 * 1024 * 1024)),
  );
  assertError(piped, "TOO_LARGE", 2);
  assert.match(piped.json.error!.message, /^Stdin given to --body-file is over the limit/);
  assert.deepEqual(await dumpDb(env.db), before);
  await Deno.writeTextFile(file, "x".repeat(1024 * 1024));
  const sent = await ok(inbox(env.db, ..._SEND, "--body-file", file));
  assert.equal(((sent["message"] as Json)["body"] as string).length, 1024 * 1024);
});

Deno.test("inbox send --artifact: over 8 MiB is TOO_LARGE; a device, FIFO or directory is refused unread", async () => {
  await using env = await tempDb();
  const big = join(env.dir, "big.bin");
  await Deno.writeFile(big, new Uint8Array(8 * 1024 * 1024 + 1));
  const fifo = join(env.dir, "fifo");
  assert.equal((await new Deno.Command("mkfifo", { args: [fifo] }).output()).code, 0);
  const link = join(env.dir, "zero-link");
  await Deno.symlink("/dev/zero", link);
  const before = await dumpDb(env.db);
  const tooBig = await inbox(env.db, ..._SEND, "--body", "b", "--artifact", big);
  assertError(tooBig, "TOO_LARGE", 2);
  assert.match(
    tooBig.json.error!.message,
    /given to --artifact is over the limit of 8388608 bytes/,
  );
  for (
    const [path, kind] of [
      ["/dev/zero", "a character device"],
      [link, "a character device"],
      [fifo, "a FIFO"],
      [env.dir, "a directory"],
    ]
  ) {
    const r = await inbox(env.db, ..._SEND, "--body", "b", "--artifact", path!);
    assertError(r, "INVALID_INPUT", 2);
    assert.equal(
      r.json.error!.message,
      `"${path}" given to --artifact is not a regular file (${kind}): only regular files can be artifacts`,
    );
  }
  assert.deepEqual(await dumpDb(env.db), before);
});

Deno.test("inbox artifact get --out: an existing file or symlink is refused unless --force, which never writes through a symlink", async () => {
  await using env = await tempDb();
  const src = join(env.dir, "a.txt");
  await Deno.writeTextFile(src, "artifact bytes");
  const sent = await ok(inbox(env.db, ..._SEND, "--body", "b", "--artifact", src));
  const id = String((sent["artifacts"] as Json[])[0]!["id"]);
  const out = join(env.dir, "out.txt");
  await Deno.writeTextFile(out, "precious");
  const victim = join(env.dir, "victim.txt");
  await Deno.writeTextFile(victim, "also precious");
  const link = join(env.dir, "link.txt");
  await Deno.symlink(victim, link);
  for (const path of [out, link]) {
    const r = await inbox(env.db, "artifact", "get", "--artifact", id, "--out", path);
    assertError(r, "ALREADY_EXISTS", 4);
    assert.equal(
      r.json.error!.message,
      `File "${path}" given to --out already exists: pass --force to overwrite it`,
    );
  }
  assert.equal(await Deno.readTextFile(out), "precious");
  assert.equal(await Deno.readTextFile(victim), "also precious");
  await ok(inbox(env.db, "artifact", "get", "--artifact", id, "--out", out, "--force"));
  assert.equal(await Deno.readTextFile(out), "artifact bytes");
  // --force replaces the symlink itself: its target is never written through it.
  await ok(inbox(env.db, "artifact", "get", "--artifact", id, "--out", link, "--force"));
  assert.equal(await Deno.readTextFile(victim), "also precious");
  assert.equal((await Deno.lstat(link)).isSymlink, false);
  assert.equal(await Deno.readTextFile(link), "artifact bytes");
  // A directory at the path is refused, and no temporary file is left beside it.
  const dir = join(env.dir, "adir");
  await Deno.mkdir(dir);
  assertError(
    await inbox(env.db, "artifact", "get", "--artifact", id, "--out", dir, "--force"),
    "INVALID_INPUT",
    2,
  );
  const left = [];
  for await (const e of Deno.readDir(env.dir)) if (e.name.endsWith(".tmp")) left.push(e.name);
  assert.deepEqual(left, []);
});

Deno.test("orch brief --dispatch-json: a file nested 100,000 deep is INVALID_INPUT, not a crash", async () => {
  await using env = await tempDb();
  const file = join(env.dir, "deep.json");
  await Deno.writeTextFile(file, "[".repeat(100_000) + "]".repeat(100_000));
  const r = await orch(env.db, "brief", "--dispatch-json", file);
  assertError(r, "INVALID_INPUT", 2);
  assert.match(r.json.error!.message, /--dispatch-json is nested more than 128 levels deep/);
});

Deno.test("--payload-file: a payload too long for a command line is stored whole, from a file or stdin", async () => {
  await using env = await tempDb();
  const ref = await _dispatchClaimed(env.db);
  // 600 KB: over Linux's 128 KiB limit for one argument, under the 1 MiB payload limit.
  const payload = { notes: "n".repeat(600_000), items: [1, 2, 3] };
  const file = join(env.dir, "payload.json");
  await Deno.writeTextFile(file, JSON.stringify(payload));
  const u = await ok(inbox(env.db, "update", ...ref, "--body", "big", "--payload-file", file));
  assert.deepEqual((u["message"] as Json)["payload"], payload);
  const done = await cli(
    "inbox",
    ["--db", env.db, "--json", "done", ...ref, "--body", "ok", "--payload-file", "-"],
    { stdin: JSON.stringify({ result: "from stdin" }) },
  );
  assert.equal(done.json.ok, true, done.stdout + done.stderr);
  const shown = await ok(inbox(env.db, "show", "--thread", ref[3]!));
  const last = (shown["messages"] as Json[]).at(-1)!;
  assert.deepEqual(last["payload"], { result: "from stdin" });
});

Deno.test("--payload-file: with --payload-json, or stdin twice, is USAGE; bad or oversized files name the flag; nothing changes", async () => {
  await using env = await tempDb();
  const ref = await _dispatchClaimed(env.db);
  const file = join(env.dir, "p.json");
  await Deno.writeTextFile(file, '{"a":1}');
  const notJson = join(env.dir, "bad.json");
  await Deno.writeTextFile(notJson, "{nope");
  const big = join(env.dir, "big.json");
  await Deno.writeTextFile(big, JSON.stringify({ s: "x".repeat(1024 * 1024) }));
  const before = await dumpDb(env.db);
  const both = await inbox(
    env.db,
    "update",
    ...ref,
    "--body",
    "x",
    "--payload-json",
    "{}",
    "--payload-file",
    file,
  );
  assertError(both, "USAGE", 2);
  const stdinTwice = await cli(
    "inbox",
    ["--db", env.db, "--json", "update", ...ref, "--body-file", "-", "--payload-file", "-"],
    { stdin: "{}" },
  );
  assertError(stdinTwice, "USAGE", 2);
  const bad = await inbox(env.db, "update", ...ref, "--body", "x", "--payload-file", notJson);
  assertError(bad, "INVALID_JSON", 2);
  assert.match(bad.json.error!.message, /--payload-file/);
  assertError(
    await inbox(env.db, "update", ...ref, "--body", "x", "--payload-file", big),
    "TOO_LARGE",
    2,
  );
  assert.deepEqual(await dumpDb(env.db), before);
});
