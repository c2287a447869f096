/**
 * Storage failures a user can fix get STORAGE_ERROR (exit 6) with the reason,
 * and odd --db values are refused clearly (issue 11 item 14).
 *
 * The read-only and full-disk cases need a real small filesystem: a tmpfs
 * mounted for the test (root on Linux). Where mounting is not allowed they are
 * skipped, and say so; SQLite's max_page_count would not be a real full disk.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { cli, cliCommand, inbox, ok, SQLITE_ONLY, tempDb } from "./_cli.ts";
import { withSqlite } from "./_db.ts";

async function _run(cmd: string, args: string[]): Promise<boolean> {
  try {
    const r = await new Deno.Command(cmd, { args, stdout: "null", stderr: "null" }).output();
    return r.success;
  } catch {
    return false;
  }
}

/** Mounts a tmpfs of `size` at a fresh directory; removed on dispose. */
async function _tmpfs(size: string): Promise<{ dir: string } & AsyncDisposable> {
  const dir = await Deno.makeTempDir({ prefix: "coord-tmpfs-" });
  if (!(await _run("mount", ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir]))) {
    await Deno.remove(dir);
    throw new Error("mount failed");
  }
  return {
    dir,
    async [Symbol.asyncDispose]() {
      await _run("umount", [dir]);
      await Deno.remove(dir, { recursive: true });
    },
  };
}

const canMount = await (async () => {
  try {
    await using _ = await _tmpfs("64k");
    return true;
  } catch {
    return false;
  }
})();
if (!canMount) console.warn("storage_errors_test: cannot mount a tmpfs here; disk tests skipped");

Deno.test({
  name: "a write to a full disk: STORAGE_ERROR (disk_full), exit 6, nothing half-written",
  ignore: !canMount,
  async fn() {
    await using fs = await _tmpfs("1m");
    const db = join(fs.dir, "coord.db");
    await ok(inbox(db, "init"));
    await ok(inbox(db, "send", "--from", "l", "--to", "w", "--subject", "s", "--body", "b"));
    await using tmp = await tempDb();
    const big = join(tmp.dir, "big.bin");
    await Deno.writeFile(big, new Uint8Array(2 * 1024 * 1024).fill(7));
    const r = await inbox(
      db,
      "send",
      "--from",
      "l",
      "--to",
      "w",
      "--subject",
      "big",
      "--body",
      "b",
      "--artifact",
      big,
    );
    assert.equal(r.code, 6, r.stdout);
    assert.equal(r.json.error?.code, "STORAGE_ERROR");
    assert.match(String(r.json.error?.message), /disk is full/);
    assert.equal((r.json.error as { details?: { reason?: string } }).details?.reason, "disk_full");
    const list = await ok(inbox(db, "list"));
    assert.equal((list.threads as unknown[]).length, 1);
  },
});

Deno.test({
  name: "a write to a read-only database: STORAGE_ERROR (read_only), exit 6",
  ignore: !canMount,
  async fn() {
    await using fs = await _tmpfs("4m");
    const db = join(fs.dir, "coord.db");
    await ok(inbox(db, "init"));
    assert.ok(await _run("mount", ["-o", "remount,ro", fs.dir]));
    const r = await inbox(db, "send", "--from", "l", "--to", "w", "--subject", "s", "--body", "b");
    assert.equal(r.code, 6, r.stdout);
    assert.equal(r.json.error?.code, "STORAGE_ERROR");
    assert.equal((r.json.error as { details?: { reason?: string } }).details?.reason, "read_only");
    assert.match(String(r.json.error?.message), /read-only/);
  },
});

Deno.test({
  name: "a damaged database file: STORAGE_ERROR (corrupt), exit 6, the file left as it was",
  ignore: SQLITE_ONLY,
}, async () => {
  await using env = await tempDb();
  for (let i = 0; i < 20; i++) {
    await ok(
      inbox(env.db, "send", "--from", "l", "--to", "w", "--subject", `s${i}`, "--body", "b"),
    );
  }
  // Every page but the first (the header: the file still says it is SQLite) overwritten in part.
  const bytes = await Deno.readFile(env.db);
  const pageSize = new DataView(bytes.buffer).getUint16(16);
  for (let i = pageSize; i < bytes.length; i += 7) bytes[i] = 0xff;
  await Deno.writeFile(env.db, bytes);
  const r = await inbox(env.db, "list");
  assert.equal(r.code, 6, r.stdout + r.stderr);
  assert.equal(r.json.error?.code, "STORAGE_ERROR");
  assert.equal((r.json.error as { details?: { reason?: string } }).details?.reason, "corrupt");
  assert.match(String(r.json.error?.message), /damaged/);
  assert.deepEqual(await Deno.readFile(env.db), bytes);
});

Deno.test({
  name: "a tampered user_version: STORAGE_ERROR naming the mismatch, not the migration SQL",
  ignore: SQLITE_ONLY,
}, async () => {
  await using env = await tempDb();
  withSqlite(env.db, (raw) => raw.exec("PRAGMA user_version = 0"));
  const r = await inbox(env.db, "init");
  assert.equal(r.code, 6, r.stdout);
  assert.equal(r.json.error?.code, "STORAGE_ERROR");
  const message = String(r.json.error?.message);
  assert.match(message, /user_version/);
  assert.doesNotMatch(message, /CREATE TABLE/);
});

Deno.test({
  name: "a migration that fails reports its reason without the statement text",
  ignore: SQLITE_ONLY,
}, async () => {
  await using env = await tempDb();
  // Migration bookkeeping gone too: the migration itself runs and fails.
  withSqlite(env.db, (raw) => raw.exec("DELETE FROM schema_migrations; PRAGMA user_version = 0"));
  const r = await inbox(env.db, "init");
  assert.equal(r.code, 6, r.stdout);
  assert.equal(r.json.error?.code, "STORAGE_ERROR");
  assert.match(String(r.json.error?.message), /migration 1 .*already exists/);
  assert.doesNotMatch(String(r.json.error?.message), /CREATE TABLE/);
});

Deno.test("--db naming a directory: USAGE saying so, for init and other commands", async () => {
  await using env = await tempDb();
  for (const args of [["list"], ["init"]]) {
    const r = await inbox(env.dir, ...args);
    assert.equal(r.code, 2, r.stdout);
    assert.equal(r.json.error?.code, "USAGE");
    assert.match(String(r.json.error?.message), /is a directory/);
  }
});

Deno.test("inbox init --db :memory: is refused: nothing would be saved", async () => {
  const r = await inbox(":memory:", "init");
  assert.equal(r.code, 2, r.stdout);
  assert.equal(r.json.error?.code, "USAGE");
  assert.match(String(r.json.error?.message), /in-memory/);
});

Deno.test("artifact get into a pipe closed early ends quietly with exit 0", async () => {
  await using env = await tempDb();
  const file = join(env.dir, "a.bin");
  await Deno.writeFile(file, new Uint8Array(4 * 1024 * 1024).fill(65));
  const sent = await ok(
    inbox(
      env.db,
      "send",
      "--from",
      "l",
      "--to",
      "w",
      "--subject",
      "s",
      "--body",
      "b",
      "--artifact",
      file,
    ),
  );
  const id = String((sent.artifacts as { id: number }[])[0]!.id);
  // A real pipe whose reader exits without reading (like `head -c 10` after 10 bytes).
  const quote = (a: string) => `'${a.replaceAll("'", "'\\''")}'`;
  const command = [Deno.execPath(), ...cliCommand("inbox")]
    .concat(["--db", env.db, "artifact", "get", "--artifact", id])
    .map(quote).join(" ");
  const errFile = join(env.dir, "stderr.txt");
  const r = await new Deno.Command("bash", {
    args: ["-c", `${command} 2>${quote(errFile)} | true; echo " status=\${PIPESTATUS[0]}"`],
    stdout: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const out = new TextDecoder().decode(r.stdout);
  assert.equal(out, " status=0\n");
  assert.equal(await Deno.readTextFile(errFile), "");
});

Deno.test("a body file too large for text says so, not that it is not UTF-8", async () => {
  await using env = await tempDb();
  const file = join(env.dir, "big.txt");
  const f = await Deno.open(file, { create: true, write: true });
  await f.truncate(600 * 1024 * 1024); // sparse: no disk used
  f.close();
  const r = await cli("inbox", [
    "--db",
    env.db,
    "--json",
    "send",
    "--from",
    "l",
    "--to",
    "w",
    "--subject",
    "s",
    "--body-file",
    file,
  ]);
  assert.equal(r.code, 2, r.stdout);
  assert.match(String(r.json.error?.message), /too large|limit/i);
  assert.doesNotMatch(String(r.json.error?.message), /UTF-8/);
});
