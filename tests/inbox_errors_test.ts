/**
 * Every error code the inbox CLI can reach: its exit status, the JSON
 * envelope on stdout (with --json) or one `inbox: error[CODE]: ...` line on
 * stderr (without), never a stack trace, and nothing changed in the database.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { openStorage } from "../src/storage/open_storage.ts";
import { LATEST_SCHEMA_VERSION } from "../src/storage/sqlite/migrations.ts";
import { ERROR_CODES, type ErrorCode } from "../src/protocol/errors.ts";
import { COUNCIL_CONTRACT } from "../src/protocol/contracts.ts";
import { InboxStore } from "../src/store/inbox_store.ts";
import { cli, cliCommand, SQLITE_ONLY, tempDb } from "./_cli.ts";
import { closing, dumpDb, execSql, isPgUrl, withSqlite } from "./_db.ts";

interface World {
  open: string;
  claimed: string;
  done: string;
  cancelled: string;
  contract: string;
  artifact: string;
}

/** Threads in every state, written in-process (setup, not under test). */
async function _world(db: string): Promise<World> {
  await using conn = closing(await openStorage(db));
  const s = new InboxStore(conn);
  const send = (subject: string, extra: Record<string, unknown> = {}) =>
    s.sendThread({ from: "lead", to: "w", subject, body: "b", ...extra });
  const open = await send("open", {
    artifacts: [{ name: "a.txt", mediaType: "text/plain", bytes: new Uint8Array([1, 2, 3]) }],
    idempotencyKey: "key-1",
  });
  const claimed = (await send("claimed")).thread.id;
  await s.claimThread("w", { threadId: claimed });
  const done = (await send("done")).thread.id;
  await s.claimThread("w", { threadId: done });
  await s.completeThread({ agent: "w", threadId: done });
  const cancelled = (await send("cancelled")).thread.id;
  await s.cancelThread("lead", cancelled);
  const contract = (await send("review", { resultContract: COUNCIL_CONTRACT })).thread.id;
  await s.claimThread("w", { threadId: contract });
  return {
    open: String(open.thread.id),
    claimed: String(claimed),
    done: String(done),
    cancelled: String(cancelled),
    contract: String(contract),
    artifact: String(open.artifacts[0]!.id),
  };
}

/** What the file holds: a table-by-table dump for a SQLite file, else its bytes' hash. */
async function _snapshot(path: string): Promise<unknown> {
  if (isPgUrl(path)) return await dumpDb(path);
  let bytes: Uint8Array;
  try {
    bytes = Deno.readFileSync(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return "missing";
    throw err;
  }
  const header = new TextDecoder().decode(bytes.subarray(0, 15));
  if (header !== "SQLite format 3") return createHash("sha256").update(bytes).digest("hex");
  return await dumpDb(path);
}

const FRAME = /^\s+at /m;

/**
 * Runs `argv` with --json and without; checks code, exit status, envelope,
 * the human error line, no stack trace, and that `db` did not change.
 */
async function _expectError(
  db: string,
  argv: string[],
  code: ErrorCode,
  exit: number,
): Promise<Record<string, unknown>> {
  assert.equal(ERROR_CODES[code], exit, `exit status table for ${code}`);
  const before = await _snapshot(db);

  const j = await cli("inbox", [...argv, "--json"]);
  const where = `${argv.join(" ")}: ${j.stdout} ${j.stderr}`;
  assert.equal(j.code, exit, where);
  assert.equal(j.stdout.trim().split("\n").length, 1, where);
  assert.deepEqual(Object.keys(j.json).sort(), ["error", "ok"], where);
  assert.equal(j.json.ok, false, where);
  const error = j.json.error as unknown as Record<string, unknown>;
  assert.deepEqual(Object.keys(error).sort(), ["code", "details", "message"], where);
  assert.equal(error["code"], code, where);
  assert.equal(typeof error["message"], "string");
  assert.ok(String(error["message"]).length > 0);
  assert.ok(!String(error["message"]).endsWith("."), `message ends with a period: ${where}`);
  assert.equal(typeof error["details"], "object");
  assert.notEqual(error["details"], null);
  assert.doesNotMatch(j.stderr, FRAME, where);
  assert.doesNotMatch(j.stdout, FRAME, where);

  const h = await cli("inbox", argv);
  assert.equal(h.code, exit, `${argv.join(" ")} (human): ${h.stderr}`);
  assert.equal(h.stdout, "");
  assert.match(h.stderr, new RegExp(`^inbox: error\\[${code}\\]: \\S.*\\n$`));
  assert.doesNotMatch(h.stderr, FRAME);

  assert.deepEqual(await _snapshot(db), before, `${argv.join(" ")} changed the database`);
  return error;
}

/** A `send` from a to b with subject s: the send cases add or break one flag. */
const SEND = ["send", "--from", "a", "--to", "b", "--subject", "s"];

/** One error case against a fresh database in every state. */
function _case(
  name: string,
  code: ErrorCode,
  exit: number,
  argv: (w: World, env: { dir: string; db: string }) => string[],
  check?: (error: Record<string, unknown>) => void,
): void {
  Deno.test(`inbox ${name}: ${code}, exit ${exit}, nothing changed`, async () => {
    await using env = await tempDb();
    const w = await _world(env.db);
    const error = await _expectError(env.db, ["--db", env.db, ...argv(w, env)], code, exit);
    check?.(error);
  });
}

_case(
  "show of an unknown thread",
  "THREAD_NOT_FOUND",
  3,
  () => ["show", "--thread", "999"],
  (e) => {
    assert.deepEqual(e["details"], { thread_id: 999 });
  },
);
_case(
  "update of an unknown thread",
  "THREAD_NOT_FOUND",
  3,
  () => ["update", "--agent", "w", "--thread", "999", "--progress", "5"],
);
_case(
  "reply with malformed --payload-json",
  "INVALID_JSON",
  2,
  (w) => ["reply", "--agent", "lead", "--thread", w.open, "--body", "x", "--payload-json", "{bad"],
);
for (const value of ["[1,2]", '"text"', "null", "42"]) {
  _case(
    `send with non-object --payload-json ${value}`,
    "INVALID_INPUT",
    2,
    () => [...SEND, "--body", "x", "--payload-json", value],
  );
}
_case(
  "send with a missing --body-file",
  "INPUT_FILE_NOT_FOUND",
  2,
  (_w, env) => [...SEND, "--body-file", join(env.dir, "nope.txt")],
);
_case(
  "done with a missing --artifact",
  "INPUT_FILE_NOT_FOUND",
  2,
  (
    w,
    env,
  ) => ["done", "--agent", "w", "--thread", w.claimed, "--artifact", join(env.dir, "gone.bin")],
);
_case("claim --thread abc", "USAGE", 2, () => ["claim", "--agent", "w", "--thread", "abc"]);
_case(
  "update --progress 101",
  "USAGE",
  2,
  (w) => ["update", "--agent", "w", "--thread", w.claimed, "--progress", "101"],
);
_case(
  "claim --lease-seconds 0",
  "USAGE",
  2,
  () => ["claim", "--agent", "w", "--lease-seconds", "0"],
);
_case("list with an unknown flag", "USAGE", 2, () => ["list", "--bogus"], (e) => {
  assert.match(String(e["message"]), /--bogus/);
});
_case("an unknown command", "USAGE", 2, () => ["frobnicate"], (e) => {
  assert.match(String(e["message"]), /frobnicate/);
});
_case(
  "send without --subject",
  "USAGE",
  2,
  () => ["send", "--from", "a", "--to", "b", "--body", "x"],
);
_case("send with a bad agent name", "USAGE", 2, () => [
  "send",
  "--from",
  "a b",
  "--to",
  "b",
  "--subject",
  "s",
  "--body",
  "x",
]);
_case(
  "send with both --body and --body-file",
  "USAGE",
  2,
  (_w, env) => [...SEND, "--body", "x", "--body-file", env.db],
);
_case(
  "update with nothing to update",
  "USAGE",
  2,
  (w) => ["update", "--agent", "w", "--thread", w.claimed],
);
_case("reply from a stranger", "NOT_PARTICIPANT", 4, (w) => [
  "reply",
  "--agent",
  "x",
  "--thread",
  w.open,
  "--body",
  "hi",
]);
_case("claim of another agent's open thread", "NOT_PARTICIPANT", 4, (w) => [
  "claim",
  "--agent",
  "x",
  "--thread",
  w.open,
]);
_case("wait-reply from a stranger", "NOT_PARTICIPANT", 4, (w) => [
  "wait-reply",
  "--agent",
  "x",
  "--thread",
  w.open,
  "--timeout-seconds",
  "0",
]);
_case(
  "cancel from a stranger",
  "NOT_PARTICIPANT",
  4,
  (w) => ["cancel", "--agent", "x", "--thread", w.open],
);
_case("update from an agent that does not hold the lease", "LEASE_LOST", 4, (w) => [
  "update",
  "--agent",
  "x",
  "--thread",
  w.claimed,
  "--progress",
  "5",
]);
_case("done with a --lease-epoch never issued", "INVALID_INPUT", 2, (w) => [
  "done",
  "--agent",
  "w",
  "--thread",
  w.claimed,
  "--lease-epoch",
  "7",
]);
_case("claim of a thread another agent holds", "ALREADY_CLAIMED", 4, (w) => [
  "claim",
  "--agent",
  "x",
  "--thread",
  w.claimed,
]);
_case("reply in a done thread", "THREAD_CLOSED", 4, (w) => [
  "reply",
  "--agent",
  "lead",
  "--thread",
  w.done,
  "--body",
  "more",
]);
_case("update of a cancelled thread", "CANCELLED", 4, (w) => [
  "update",
  "--agent",
  "w",
  "--thread",
  w.cancelled,
  "--progress",
  "5",
]);
_case("done before claim", "INVALID_STATE", 4, (w) => ["done", "--agent", "w", "--thread", w.open]);
_case(
  "claim with nothing to claim",
  "NO_CLAIMABLE_THREAD",
  3,
  () => ["claim", "--agent", "nobody"],
);
_case("send reusing an idempotency key for another subject", "IDEMPOTENCY_CONFLICT", 4, () => [
  "send",
  "--from",
  "lead",
  "--to",
  "w",
  "--subject",
  "other",
  "--body",
  "b",
  "--idempotency-key",
  "key-1",
]);
_case("artifact get of an unknown artifact", "ARTIFACT_NOT_FOUND", 3, () => [
  "artifact",
  "get",
  "--artifact",
  "999",
]);
_case("done with a result that breaks the thread's contract", "INVALID_RESULT", 2, (w) => [
  "done",
  "--agent",
  "w",
  "--thread",
  w.contract,
  "--payload-json",
  '{"nope":true}',
]);

_case(
  "wait-reply on an unknown thread",
  "THREAD_NOT_FOUND",
  3,
  () => ["wait-reply", "--agent", "w", "--thread", "999", "--timeout-seconds", "0"],
);
_case("send with a --body-file that is not UTF-8", "INVALID_INPUT", 2, (_w, env) => {
  const path = join(env.dir, "latin1.txt");
  Deno.writeFileSync(path, new Uint8Array([0x63, 0x61, 0x66, 0xe9]));
  return [...SEND, "--body-file", path];
});
_case(
  "send with a directory as --artifact",
  "INVALID_INPUT",
  2,
  (_w, env) => [...SEND, "--body", "x", "--artifact", env.dir],
);
_case(
  "artifact get --out into a missing directory",
  "INVALID_INPUT",
  2,
  (
    w,
    env,
  ) => ["artifact", "get", "--artifact", w.artifact, "--out", join(env.dir, "no", "such", "file")],
  (e) => assert.equal((e["details"] as Record<string, unknown>)["flag"], "--out"),
);

Deno.test("inbox without --db: USAGE, exit 2", async () => {
  const j = await cli("inbox", ["--json", "list"]);
  assert.equal(j.code, 2);
  assert.equal(j.json.error?.code, "USAGE");
  assert.match(String(j.json.error?.message), /--db/);
  const h = await cli("inbox", ["list"]);
  assert.equal(h.code, 2);
  assert.match(h.stderr, /^inbox: error\[USAGE\]: Missing --db/);
  const dangling = await cli("inbox", ["list", "--json", "--db"]);
  assert.equal(dangling.code, 2);
  assert.equal(dangling.json.error?.code, "USAGE");
});

Deno.test("inbox on a missing database file: DB_NOT_FOUND, exit 3, the file is not created", async () => {
  await using env = await tempDb();
  const missing = join(env.dir, "missing.db");
  await _expectError(missing, ["--db", missing, "list"], "DB_NOT_FOUND", 3);
  await _expectError(
    missing,
    ["--db", missing, ...SEND, "--body", "x"],
    "DB_NOT_FOUND",
    3,
  );
  await _expectError(
    missing,
    ["--db", missing, "watch", "--agent", "w", "--timeout-seconds", "0"],
    "DB_NOT_FOUND",
    3,
  );
  const names = [] as string[];
  for await (const e of Deno.readDir(env.dir)) names.push(e.name);
  assert.ok(!names.some((n) => n.startsWith("missing.db")), names.join(", "));
});

Deno.test({
  name:
    "DB_NOT_FOUND's hint is a command line that works as written, for a path with spaces, a quote or a leading -",
  ignore: SQLITE_ONLY,
}, async () => {
  await using env = await tempDb();
  for (const name of ["my db.db", "it's.db", "--odd.db"]) {
    const r = await cli("inbox", ["--json", `--db=${name}`, "list"], { cwd: env.dir });
    assert.equal(r.json.error?.code, "DB_NOT_FOUND", name);
    const hint = /create it with "(.*)"$/.exec(r.json.error!.message)![1]!;
    // The hint names the program; run it with the same program and flags the test uses.
    const line = hint.replace(/^inbox /, "");
    const made = await new Deno.Command("bash", {
      args: ["-c", `"$0" "$@" --json ${line}`, Deno.execPath(), ...cliCommand("inbox")],
      cwd: env.dir,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(made.code, 0, `${hint}: ${new TextDecoder().decode(made.stdout)}`);
    await Deno.stat(join(env.dir, name));
  }
});

Deno.test({
  name: "inbox on a database newer than the program: SCHEMA_TOO_NEW, exit 6",
  ignore: SQLITE_ONLY,
}, async () => {
  await using env = await tempDb();
  await _world(env.db);
  withSqlite(env.db, (raw) => raw.exec(`PRAGMA user_version = ${LATEST_SCHEMA_VERSION + 1}`));
  await _expectError(env.db, ["--db", env.db, "list"], "SCHEMA_TOO_NEW", 6);
  await _expectError(env.db, ["--db", env.db, "init"], "SCHEMA_TOO_NEW", 6);
  await _expectError(env.db, ["--db", env.db, "claim", "--agent", "w"], "SCHEMA_TOO_NEW", 6);
});

Deno.test("inbox on a file that was never initialised: DB_NOT_INITIALIZED, exit 6", async () => {
  await using env = await tempDb();
  const empty = join(env.dir, "empty.db");
  await Deno.writeFile(empty, new Uint8Array());
  await _expectError(empty, ["--db", empty, "list"], "DB_NOT_INITIALIZED", 6);
  const other = join(env.dir, "other.db");
  withSqlite(other, (raw) => raw.exec("CREATE TABLE unrelated (x INTEGER)"));
  await _expectError(other, ["--db", other, "claim", "--agent", "w"], "DB_NOT_INITIALIZED", 6);
});

Deno.test("inbox on a file that is not a database: STORAGE_ERROR, exit 6", async () => {
  await using env = await tempDb();
  const text = join(env.dir, "notes.txt");
  await Deno.writeTextFile(
    text,
    "this is not a database, it is a long enough text file\n".repeat(20),
  );
  const error = await _expectError(text, ["--db", text, "list"], "STORAGE_ERROR", 6);
  assert.equal((error["details"] as Record<string, unknown>)["reason"], "not_a_database");
});

Deno.test("inbox artifact get of tampered bytes: ARTIFACT_CORRUPT, exit 6", async () => {
  await using env = await tempDb();
  const w = await _world(env.db);
  await execSql(
    env.db,
    "UPDATE artifacts SET content = ? WHERE id = ?",
    new Uint8Array([9, 9, 9]),
    Number(w.artifact),
  );
  await _expectError(
    env.db,
    ["--db", env.db, "artifact", "get", "--artifact", w.artifact],
    "ARTIFACT_CORRUPT",
    6,
  );
});
