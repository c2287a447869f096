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
      args: [...cliCommand("inbox"), "--db", bare.toString(), "--json", "fetch", "--agent", "w1"],
      env: { NO_COLOR: "1", ...env },
      stdout: "piped",
      stderr: "piped",
    }).output();
  const withEnv = await run({ PGPASSWORD: password });
  assert.equal(withEnv.code, 0, new TextDecoder().decode(withEnv.stdout));
  const without = await run({ PGPASSWORD: "" });
  assert.equal(without.code, 6, "without the password the server refuses");
});
