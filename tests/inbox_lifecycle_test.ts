import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { cli, inbox, ok, tempDb } from "./_cli.ts";
import { queryRows, scalar } from "./_db.ts";

type Json = Record<string, unknown>;

const THREAD_KEYS = [
  "attempt_id",
  "claimed_by",
  "created_at",
  "from_agent",
  "id",
  "kind",
  "lease_epoch",
  "lease_expires_at",
  "progress",
  "result_contract",
  "run_id",
  "subject",
  "status",
  "task_id",
  "to_agent",
  "updated_at",
];
const MESSAGE_KEYS = ["body", "from_agent", "id", "payload", "thread_id", "to_agent", "ts", "type"];
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

function _thread(j: Json): Json {
  return j["thread"] as Json;
}

function _message(j: Json): Json {
  return j["message"] as Json;
}

function _assertThreadShape(t: Json): void {
  assert.deepEqual(Object.keys(t).sort(), [...THREAD_KEYS].sort());
  assert.match(String(t["created_at"]), ISO);
  assert.match(String(t["updated_at"]), ISO);
}

function _assertMessageShape(m: Json, extra: string[] = []): void {
  assert.deepEqual(Object.keys(m).sort(), [...MESSAGE_KEYS, ...extra].sort());
  assert.match(String(m["ts"]), ISO);
}

Deno.test("inbox: a thread goes send -> fetch -> claim -> update -> blocked -> reply -> wait-reply -> done with an artifact", async () => {
  await using env = await tempDb();
  const db = env.db;
  const sent = await ok(
    inbox(db, "send", "--from", "lead", "--to", "w1", "--subject", "Fix bug", "--body", "Please"),
  );
  const id = String(_thread(sent)["id"]);
  assert.equal(_thread(sent)["status"], "open");
  assert.equal(sent["replayed"], false);

  const fetched = await ok(inbox(db, "fetch", "--agent", "w1"));
  const msgs = fetched["messages"] as Json[];
  assert.equal(msgs.length, 1);
  assert.equal(msgs[0]?.["body"], "Please");
  assert.equal(msgs[0]?.["thread_subject"], "Fix bug");

  const claimed = await ok(inbox(db, "claim", "--agent", "w1"));
  assert.equal(String(_thread(claimed)["id"]), id);
  assert.equal(_thread(claimed)["status"], "claimed");
  assert.equal(_thread(claimed)["lease_epoch"], 1);
  assert.match(String(_thread(claimed)["lease_expires_at"]), ISO);

  const progress = await ok(
    inbox(db, "update", "--agent", "w1", "--thread", id, "--progress", "40", "--body", "halfway"),
  );
  assert.equal(_thread(progress)["status"], "in_progress");
  assert.equal(_thread(progress)["progress"], 40);
  assert.equal(_message(progress)["type"], "progress");

  const blocked = await ok(
    inbox(db, "update", "--agent", "w1", "--thread", id, "--status", "blocked", "--body", "Which?"),
  );
  assert.equal(_thread(blocked)["status"], "blocked");
  assert.equal(_message(blocked)["type"], "question");
  const questionId = Number(_message(blocked)["id"]);

  const leadInbox = await ok(inbox(db, "fetch", "--agent", "lead"));
  assert.deepEqual((leadInbox["messages"] as Json[]).map((m) => m["body"]), ["halfway", "Which?"]);

  const replied = await ok(
    inbox(
      db,
      "reply",
      "--agent",
      "lead",
      "--thread",
      id,
      "--body",
      "The first",
      "--payload-json",
      '{"choice":1}',
    ),
  );
  assert.equal(_thread(replied)["status"], "in_progress");

  const waited = await ok(
    inbox(db, "wait-reply", "--agent", "w1", "--thread", id, "--timeout-seconds", "10"),
  );
  assert.equal(waited["timed_out"], false);
  assert.equal(waited["after_message"], questionId);
  assert.equal(_message(waited)["body"], "The first");
  assert.deepEqual(_message(waited)["payload"], { choice: 1 });

  const file = join(env.dir, "report.md");
  const bytes = new TextEncoder().encode("# Report\nall good\n");
  await Deno.writeFile(file, bytes);
  const done = await ok(
    inbox(
      db,
      "done",
      "--agent",
      "w1",
      "--thread",
      id,
      "--body",
      "Fixed",
      "--payload-json",
      '{"tests":"pass"}',
      "--artifact",
      file,
    ),
  );
  assert.equal(_thread(done)["status"], "done");
  assert.equal(_thread(done)["progress"], 100);
  assert.equal(_message(done)["type"], "result");
  const arts = done["artifacts"] as Json[];
  assert.equal(arts.length, 1);
  const sha = createHash("sha256").update(bytes).digest("hex");
  assert.equal(arts[0]?.["sha256"], sha);
  assert.equal(arts[0]?.["name"], "report.md");
  assert.equal(arts[0]?.["media_type"], "text/markdown");
  assert.equal(arts[0]?.["size"], bytes.byteLength);

  const got = await ok(inbox(db, "artifact", "get", "--artifact", String(arts[0]?.["id"])));
  const content = Uint8Array.from(atob(String(got["content_base64"])), (c) => c.charCodeAt(0));
  assert.deepEqual(content, bytes);
  const out = join(env.dir, "copy.md");
  await ok(inbox(db, "artifact", "get", "--artifact", String(arts[0]?.["id"]), "--out", out));
  assert.deepEqual(await Deno.readFile(out), bytes);

  const shown = await ok(inbox(db, "show", "--thread", id));
  assert.deepEqual((shown["messages"] as Json[]).map((m) => m["type"]), [
    "task",
    "progress",
    "question",
    "reply",
    "result",
  ]);
  const listed = (await ok(inbox(db, "list")))["threads"] as Json[];
  assert.equal(listed[0]?.["status"], "done");
  const eventTypes =
    (await queryRows(db, "SELECT type FROM events WHERE thread_id = ? ORDER BY id", Number(id)))
      .map((r) => r["type"]);
  assert.deepEqual(eventTypes, [
    "thread_created",
    "thread_claimed",
    "thread_in_progress",
    "thread_blocked",
    "thread_replied",
    "lease_renewed", // wait-reply renews the holder's lease as it begins
    "artifact_added",
    "thread_done",
  ]);
});

Deno.test("inbox list and show: JSON shapes", async () => {
  await using env = await tempDb();
  const db = env.db;
  const a = await ok(
    inbox(db, "send", "--from", "lead", "--to", "w1", "--subject", "A", "--body", "a"),
  );
  await ok(inbox(db, "send", "--from", "lead", "--to", "w2", "--subject", "B", "--body", "b"));
  const file = join(env.dir, "data.json");
  await Deno.writeTextFile(file, '{"x":1}');
  await ok(
    inbox(
      db,
      "send",
      "--from",
      "w2",
      "--to",
      "w1",
      "--subject",
      "C",
      "--body",
      "c",
      "--kind",
      "question",
      "--artifact",
      file,
    ),
  );

  const list = await ok(inbox(db, "list"));
  assert.deepEqual(Object.keys(list).sort(), ["ok", "threads"]);
  const threads = list["threads"] as Json[];
  assert.deepEqual(threads.map((t) => t["subject"]), ["C", "B", "A"]);
  for (const t of threads) _assertThreadShape(t);
  assert.equal(threads[0]?.["kind"], "question");

  const forW1 = (await ok(inbox(db, "list", "--agent", "w1")))["threads"] as Json[];
  assert.deepEqual(forW1.map((t) => t["subject"]), ["C", "A"]);
  const limited = (await ok(inbox(db, "list", "--limit", "1")))["threads"] as Json[];
  assert.deepEqual(limited.map((t) => t["subject"]), ["C"]);
  await ok(inbox(db, "claim", "--agent", "w1", "--thread", String(_thread(a)["id"])));
  const claimed = (await ok(inbox(db, "list", "--status", "claimed")))["threads"] as Json[];
  assert.deepEqual(claimed.map((t) => t["subject"]), ["A"]);

  const shown = await ok(inbox(db, "show", "--thread", String(threads[0]?.["id"])));
  assert.deepEqual(Object.keys(shown).sort(), ["messages", "ok", "thread"]);
  _assertThreadShape(_thread(shown));
  const messages = shown["messages"] as Json[];
  assert.equal(messages.length, 1);
  _assertMessageShape(messages[0]!, ["artifacts"]);
  const art = (messages[0]?.["artifacts"] as Json[])[0]!;
  assert.deepEqual(Object.keys(art).sort(), [
    "created_at",
    "id",
    "media_type",
    "message_id",
    "name",
    "sha256",
    "size",
    "thread_id",
  ]);
  assert.equal(art["media_type"], "application/json");

  const sent = await ok(
    inbox(db, "send", "--from", "lead", "--to", "w3", "--subject", "D", "--body", "d"),
  );
  assert.deepEqual(Object.keys(sent).sort(), ["artifacts", "message", "ok", "replayed", "thread"]);
  _assertMessageShape(_message(sent));
});

Deno.test("inbox fetch: unread cursors advance per agent, --peek leaves them alone", async () => {
  await using env = await tempDb();
  const db = env.db;
  await ok(inbox(db, "send", "--from", "lead", "--to", "w1", "--subject", "one", "--body", "1"));
  await ok(inbox(db, "send", "--from", "lead", "--to", "w2", "--subject", "two", "--body", "2"));

  const peek = await ok(inbox(db, "fetch", "--agent", "w1", "--peek"));
  assert.equal((peek["messages"] as Json[]).length, 1);
  assert.equal(peek["peek"], true);
  assert.equal(peek["cursor"], 0);
  const first = await ok(inbox(db, "fetch", "--agent", "w1"));
  assert.deepEqual((first["messages"] as Json[]).map((m) => m["body"]), ["1"]);
  assert.equal(first["cursor"], (first["messages"] as Json[])[0]?.["id"]);
  const second = await ok(inbox(db, "fetch", "--agent", "w1"));
  assert.deepEqual(second["messages"], []);
  assert.equal(second["cursor"], first["cursor"]);

  // w2's cursor did not move when w1 read.
  const w2 = await ok(inbox(db, "fetch", "--agent", "w2"));
  assert.deepEqual((w2["messages"] as Json[]).map((m) => m["body"]), ["2"]);

  await ok(inbox(db, "send", "--from", "lead", "--to", "w1", "--subject", "three", "--body", "3"));
  await ok(inbox(db, "send", "--from", "lead", "--to", "w1", "--subject", "four", "--body", "4"));
  const one = await ok(inbox(db, "fetch", "--agent", "w1", "--limit", "1"));
  assert.deepEqual((one["messages"] as Json[]).map((m) => m["body"]), ["3"]);
  const rest = await ok(inbox(db, "fetch", "--agent", "w1"));
  assert.deepEqual((rest["messages"] as Json[]).map((m) => m["body"]), ["4"]);
  assert.equal(
    Number(await scalar(db, "SELECT last_message_id FROM read_cursors WHERE agent = 'w1'")),
    (rest["messages"] as Json[])[0]?.["id"],
  );
});

Deno.test("inbox send --body-file: reads the body from a file and from stdin", async () => {
  await using env = await tempDb();
  const db = env.db;
  const file = join(env.dir, "body.txt");
  const text = "line one\nline two: ünïcödé\n";
  await Deno.writeTextFile(file, text);
  const fromFile = await ok(
    inbox(db, "send", "--from", "lead", "--to", "w", "--subject", "f", "--body-file", file),
  );
  assert.equal(_message(fromFile)["body"], text);

  const stdinText = "from stdin\n\twith a tab";
  const r = await cli(
    "inbox",
    [
      "send",
      "--db",
      db,
      "--json",
      "--from",
      "lead",
      "--to",
      "w",
      "--subject",
      "s",
      "--body-file",
      "-",
    ],
    { stdin: stdinText },
  );
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(_message(r.json)["body"], stdinText);

  const replyFile = join(env.dir, "reply.txt");
  await Deno.writeTextFile(replyFile, "reply from file");
  const replied = await ok(
    inbox(
      db,
      "reply",
      "--agent",
      "w",
      "--thread",
      String(_thread(fromFile)["id"]),
      "--body-file",
      replyFile,
    ),
  );
  assert.equal(_message(replied)["body"], "reply from file");
});

Deno.test("inbox send --idempotency-key: a repeat returns the same thread and adds no row", async () => {
  await using env = await tempDb();
  const db = env.db;
  const args = [
    "send",
    "--from",
    "lead",
    "--to",
    "w",
    "--subject",
    "once",
    "--body",
    "x",
    "--idempotency-key",
    "job-42",
  ];
  const first = await ok(inbox(db, ...args));
  assert.equal(first["replayed"], false);
  const again = await ok(inbox(db, ...args));
  assert.equal(again["replayed"], true);
  assert.equal(_thread(again)["id"], _thread(first)["id"]);
  assert.equal(_message(again)["id"], _message(first)["id"]);
  assert.equal(Number(await scalar(db, "SELECT COUNT(*) FROM threads")), 1);
  assert.equal(Number(await scalar(db, "SELECT COUNT(*) FROM messages")), 1);
  assert.equal(Number(await scalar(db, "SELECT COUNT(*) FROM events")), 1);
});

Deno.test("inbox without --json: prints readable text, not JSON", async () => {
  await using env = await tempDb();
  const db = env.db;
  const sent = await cli("inbox", [
    "--db",
    db,
    "send",
    "--from",
    "lead",
    "--to",
    "w",
    "--subject",
    "Readable",
    "--body",
    "hello there",
  ]);
  assert.equal(sent.code, 0, sent.stderr);
  assert.match(sent.stdout, /^Sent thread 1 \[open\] lead -> w: Readable/);

  const list = await cli("inbox", ["--db", db, "list"]);
  assert.equal(list.code, 0);
  assert.match(list.stdout, /^ID\s+STATUS\s+FROM\s+TO/);
  assert.match(list.stdout, /\n1\s+open\s+lead\s+w\s/);

  const fetched = await cli("inbox", ["--db", db, "fetch", "--agent", "w"]);
  assert.match(fetched.stdout, /#1 .* task lead -> w \(thread 1: Readable\)\n {2}hello there/);
  const shown = await cli("inbox", ["--db", db, "show", "--thread", "1"]);
  assert.match(shown.stdout, /thread 1 \[open\]/);

  for (const r of [sent, list, fetched, shown]) {
    assert.equal(r.code, 0);
    assert.ok(!r.stdout.trimStart().startsWith("{"), r.stdout);
    assert.throws(() => JSON.parse(r.stdout));
    assert.equal(r.stderr, "");
  }
});

Deno.test("inbox: global --db and --json work before or after the command", async () => {
  await using env = await tempDb();
  const db = env.db;
  await ok(inbox(db, "send", "--from", "lead", "--to", "w", "--subject", "g", "--body", "b"));
  const forms = [
    ["--db", db, "--json", "list"],
    ["list", "--db", db, "--json"],
    ["--json", "list", "--db", db],
    [`--db=${db}`, "list", "--json"],
    ["list", "--limit", "5", "--json", "--db", db],
  ];
  for (const args of forms) {
    const r = await cli("inbox", args);
    assert.equal(r.code, 0, `${args.join(" ")}: ${r.stdout} ${r.stderr}`);
    assert.equal(r.json.ok, true, args.join(" "));
    assert.equal((r.json["threads"] as Json[]).length, 1, args.join(" "));
  }
});
