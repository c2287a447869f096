/**
 * The real CLIs on a PostgreSQL store (TEST_PG_URL; skipped without one),
 * spawned with exactly the binaries' permission flags: a store that cannot be
 * used is exit 6 with the URL's password nowhere in the output and no stack
 * trace, and the permissions are enough for a working store (PG* variables
 * included).
 */
import assert from "node:assert/strict";
import { cli, cliCommand, inbox, ok } from "./_cli.ts";
import { explainPgSkip, PG_SKIP, withPgDatabase } from "./_pg.ts";

explainPgSkip();

function pgTest(name: string, fn: (url: string) => Promise<void>): void {
  Deno.test({ name, ignore: PG_SKIP, fn: () => withPgDatabase(fn) });
}

/** Exit 6, the error code and reason, no password anywhere, no stack trace. */
async function assertStorageError(
  db: string,
  secret: string,
  reason: string,
): Promise<void> {
  for (const json of [true, false]) {
    const args = ["--db", db, ...(json ? ["--json"] : []), "fetch", "--agent", "w1"];
    const r = await cli("inbox", args);
    const all = r.stdout + r.stderr;
    assert.equal(r.code, 6, all);
    assert.ok(!all.includes(secret), `the password leaked: ${all}`);
    assert.doesNotMatch(all, /^\s+at /m, `a stack trace: ${all}`);
    if (json) {
      assert.equal(r.json.error?.code, "STORAGE_ERROR", all);
      const details = (r.json.error as { details?: Record<string, unknown> }).details;
      assert.equal(details?.["reason"], reason, all);
      assert.ok(String(details?.["db"]).startsWith("postgres://postgres@127.0.0.1:"), all);
    } else {
      assert.match(r.stderr, /STORAGE_ERROR/);
    }
  }
}

pgTest(
  "inbox on a PostgreSQL store: a wrong password is exit 6 auth_failed, password hidden",
  async (url) => {
    await ok(inbox(url, "init"));
    const wrong = new URL(url);
    wrong.password = "N0t-The-Passw0rd";
    await assertStorageError(wrong.toString(), "N0t-The-Passw0rd", "auth_failed");
  },
);

pgTest(
  "inbox on a PostgreSQL store: a missing database is exit 6 database_missing",
  async (url) => {
    const missing = new URL(url);
    missing.pathname = "/t_missing_" + crypto.randomUUID().slice(0, 8);
    await assertStorageError(
      missing.toString(),
      decodeURIComponent(missing.password),
      "database_missing",
    );
  },
);

Deno.test({
  name: "inbox on a PostgreSQL store: no server there is exit 6 connection_refused",
  ignore: PG_SKIP,
  async fn() {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (listener.addr as Deno.NetAddr).port;
    listener.close();
    await assertStorageError(
      `postgres://postgres:Hidden-4242@127.0.0.1:${port}/coord`,
      "Hidden-4242",
      "connection_refused",
    );
  },
});

pgTest(
  "inbox on a PostgreSQL store: init, send and fetch work with the binary's permissions",
  async (url) => {
    const init = await ok(inbox(url, "init"));
    assert.ok(!JSON.stringify(init).includes(decodeURIComponent(new URL(url).password)));
    await ok(
      inbox(
        url,
        "send",
        "--from",
        "lead",
        "--to",
        "w1",
        "--subject",
        "On PostgreSQL",
        "--body",
        "b",
      ),
    );
    const fetched = await ok(inbox(url, "fetch", "--agent", "w1"));
    const messages = fetched["messages"] as { thread_subject: string }[];
    assert.deepEqual(messages.map((m) => m.thread_subject), ["On PostgreSQL"]);
  },
);

pgTest("inbox on a PostgreSQL store: the password can come from PGPASSWORD", async (url) => {
  await ok(inbox(url, "init"));
  const bare = new URL(url);
  const password = decodeURIComponent(bare.password);
  bare.password = "";
  const run = (env: Record<string, string>) =>
    new Deno.Command(Deno.execPath(), {
      args: [
        ...cliCommand("inbox", "postgres"),
        "--db",
        bare.toString(),
        "--json",
        "fetch",
        "--agent",
        "w1",
      ],
      env: { NO_COLOR: "1", ...env },
      stdout: "piped",
      stderr: "piped",
    }).output();
  const withEnv = await run({ PGPASSWORD: password });
  assert.equal(withEnv.code, 0, new TextDecoder().decode(withEnv.stdout));
  const without = await run({ PGPASSWORD: "" });
  assert.equal(without.code, 6, "without the password the server refuses");
});

/** Runs argv (a command and its arguments) and returns its exit status and output. */
async function _run(argv: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command(argv[0]!, {
    args: argv.slice(1),
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", ...env },
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  return { code: out.code, stdout, all: stdout + new TextDecoder().decode(out.stderr) };
}

pgTest(
  "the SQLite permission set has no network: a PostgreSQL URL is exit 6 'permission', password hidden",
  async (url) => {
    const secret = new URL(url).password;
    const r = await _run([
      Deno.execPath(),
      ...cliCommand("inbox", "sqlite"),
      "--db",
      url,
      "--json",
      "init",
    ]);
    assert.equal(r.code, 6, r.all);
    const json = JSON.parse(r.stdout);
    assert.equal(json.error.code, "STORAGE_ERROR", r.all);
    assert.equal(json.error.details.reason, "permission", r.all);
    assert.ok(!r.all.includes(secret), `the password leaked: ${r.all}`);
  },
);

pgTest(
  "the launchers run a PostgreSQL store (from --db or INBOX_DB) with the PostgreSQL permission set",
  async (url) => {
    const launcher = new URL("../skills/inbox/assets/inbox", import.meta.url).pathname;
    const init = await _run([launcher, "--db", url, "--json", "init"]);
    assert.equal(init.code, 0, init.all);
    assert.equal(JSON.parse(init.stdout).ok, true);
    // No --db: INBOX_DB names the store.
    const sent = await _run([
      launcher,
      "--json",
      "send",
      "--from",
      "a",
      "--to",
      "b",
      "--subject",
      "s",
      "--body",
      "x",
    ], {
      INBOX_DB: url,
      PATH: Deno.env.get("PATH") ?? "",
    });
    assert.equal(sent.code, 0, sent.all);
    const listed = await inbox(url, "list");
    assert.equal((listed.json["threads"] as unknown[]).length, 1, listed.stdout);
  },
);
