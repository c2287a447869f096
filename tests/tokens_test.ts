/**
 * Capability tokens (strict mode, `init --require-tokens`): orch needs the
 * leader token, a worker's writes need its attempt's token, forged writes
 * are FORBIDDEN and change nothing, and no view ever prints a token.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { cliCommand, type CliResult } from "./_cli.ts";
import type { Program } from "../scripts/permissions.ts";
import { dumpDb, dumpRows } from "./_db.ts";
import { assertError, type Json } from "./_orch.ts";

async function _run(
  program: Program,
  db: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<CliResult> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [...cliCommand(program), "--db", db, "--json", ...args],
    env: { NO_COLOR: "1", ...env },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  let json = {} as CliResult["json"];
  try {
    json = JSON.parse(stdout);
  } catch { /* not JSON */ }
  return { code: out.code, stdout, stderr: new TextDecoder().decode(out.stderr), json };
}

async function _ok(p: Promise<CliResult>): Promise<Json> {
  const r = await p;
  assert.equal(r.code, 0, `${r.stdout} ${r.stderr}`);
  return r.json;
}

interface Strict {
  dir: string;
  db: string;
  leader: string;
  orch: (args: string[], env?: Record<string, string>) => Promise<CliResult>;
  inbox: (args: string[], env?: Record<string, string>) => Promise<CliResult>;
}

async function _strictDb(): Promise<Strict & AsyncDisposable> {
  const dir = await Deno.makeTempDir({ prefix: "tokens-test-" });
  const db = join(dir, "coord.db");
  const init = await _ok(_run("inbox", db, ["init", "--require-tokens"]));
  assert.equal(init["require_tokens"], true);
  const leader = String(init["leader_token"]);
  assert.match(leader, /^tok_[0-9a-f]{64}$/);
  const orch = (args: string[], env: Record<string, string> = { ORCH_TOKEN: leader }) =>
    _run("orch", db, args, env);
  const inbox = (args: string[], env: Record<string, string> = {}) => _run("inbox", db, args, env);
  return {
    dir,
    db,
    leader,
    orch,
    inbox,
    async [Symbol.asyncDispose]() {
      await Deno.remove(dir, { recursive: true });
    },
  };
}

async function _dispatch(
  s: Strict,
  task: string,
  to: string,
): Promise<{ thread: string; token: string; out: Json }> {
  await _ok(
    s.orch([
      "task",
      "add",
      "--run",
      "R",
      "--task",
      task,
      "--title",
      `T ${task}`,
      "--default-to",
      to,
    ]),
  );
  const out = await _ok(
    s.orch(["dispatch", "--run", "R", "--task", task, "--execution-mode", "analysis"]),
  );
  const token = String(out["token"]);
  assert.match(token, /^tok_[0-9a-f]{64}$/);
  return { thread: String((out["attempt"] as Json)["thread_id"]), token, out };
}

Deno.test("init --require-tokens: the leader token is shown once; later inits keep strict mode quietly", async () => {
  await using s = await _strictDb();
  const again = await _ok(_run("inbox", s.db, ["init", "--require-tokens"]));
  assert.equal(again["require_tokens"], true);
  assert.equal(again["leader_token"], undefined);
  const plain = await _ok(_run("inbox", s.db, ["init"]));
  assert.equal(plain["require_tokens"], true);
  assert.equal(plain["leader_token"], undefined);
});

Deno.test("init --require-tokens: a database that already has threads is refused", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const db = join(dir, "c.db");
    await _ok(_run("inbox", db, ["init"]));
    await _ok(
      _run("inbox", db, ["send", "--from", "a", "--to", "b", "--subject", "s", "--body", "b"]),
    );
    const before = await dumpDb(db);
    assertError(await _run("inbox", db, ["init", "--require-tokens"]), "INVALID_STATE", 4);
    assert.deepEqual(await dumpDb(db), before);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("strict mode: orch needs the leader token (ORCH_TOKEN or --token); no token or a worker's is FORBIDDEN", async () => {
  await using s = await _strictDb();
  const before = await dumpDb(s.db);
  const noToken = await s.orch(["run", "init", "--run", "R", "--goal", "g"], {});
  assertError(noToken, "FORBIDDEN", 4);
  assertError(
    await s.orch(["run", "init", "--run", "R", "--goal", "g"], { ORCH_TOKEN: "tok_guess" }),
    "FORBIDDEN",
    4,
  );
  assert.deepEqual(await dumpDb(s.db), before);
  await _ok(s.orch(["--token", s.leader, "run", "init", "--run", "R", "--goal", "g"], {}));
  const { token } = await _dispatch(s, "A", "wa");
  assertError(await s.orch(["status", "--run", "R"], { ORCH_TOKEN: token }), "FORBIDDEN", 4);
  const shown = await _ok(s.orch(["run", "show", "--run", "R"]));
  assert.equal(shown["require_tokens"], true);
  const status = await _ok(s.orch(["status", "--run", "R"]));
  assert.equal(status["require_tokens"], true);
});

Deno.test("strict mode: forged claim, done, reply and fetch are FORBIDDEN and change nothing; the worker's own token works", async () => {
  await using s = await _strictDb();
  await _ok(s.orch(["run", "init", "--run", "R", "--goal", "g"]));
  const a = await _dispatch(s, "A", "wa");
  const b = await _dispatch(s, "B", "wb");
  const onA = ["--agent", "wa", "--thread", a.thread];
  const before = await dumpDb(s.db);
  const forged: Array<[string[], Record<string, string>]> = [
    [["claim", ...onA], {}],
    [["claim", ...onA], { INBOX_TOKEN: b.token }],
    [["done", ...onA, "--body", "x"], {}],
    [["reply", "--agent", "orch", "--thread", a.thread, "--body", "forged answer"], {
      INBOX_TOKEN: a.token,
    }],
    [["fetch", "--agent", "wa"], {}],
    [["fetch", "--agent", "wa"], { INBOX_TOKEN: b.token }],
    [["send", "--from", "orch", "--to", "wb", "--subject", "s", "--body", "b"], {
      INBOX_TOKEN: a.token,
    }],
    [["claim", "--agent", "wb", "--thread", b.thread], { INBOX_TOKEN: a.token }],
  ];
  for (const [args, env] of forged) {
    const r = await s.inbox(args, env);
    assertError(r, "FORBIDDEN", 4);
  }
  assert.deepEqual(await dumpDb(s.db), before);

  const mine = { INBOX_TOKEN: a.token };
  await _ok(s.inbox(["fetch", "--agent", "wa"], mine));
  await _ok(s.inbox(["claim", "--agent", "wa"], mine)); // the token names the thread
  await _ok(s.inbox(["update", ...onA, "--status", "blocked", "--body", "question?"], mine));
  await _ok(
    s.inbox([
      "--token",
      s.leader,
      "reply",
      "--agent",
      "orch",
      "--thread",
      a.thread,
      "--body",
      "answer",
    ]),
  );
  await _ok(s.inbox(["done", ...onA, "--body", "result"], mine));
  // Reads need no token.
  await _ok(s.inbox(["show", "--thread", a.thread]));
  await _ok(s.inbox(["fetch", "--agent", "wa", "--peek"]));
});

Deno.test("strict mode: no view, event or stored row holds a token; the brief carries the worker's", async () => {
  await using s = await _strictDb();
  await _ok(s.orch(["run", "init", "--run", "R", "--goal", "g"]));
  const a = await _dispatch(s, "A", "wa");
  const saved = join(s.dir, "a.json");
  await Deno.writeTextFile(saved, JSON.stringify(a.out));
  const brief = String((await _ok(s.orch(["brief", "--dispatch-json", saved])))["brief"]);
  assert.ok(brief.includes(`INBOX_TOKEN=${a.token} `), "the brief's commands carry the token");
  const claimLine = brief.split("\n").map((l) => l.trim()).find((l) =>
    l.startsWith("INBOX_TOKEN=") && l.includes(" claim ")
  )!;
  const claimed = await new Deno.Command("sh", {
    args: [
      "-c",
      claimLine.replace(/ inbox /, ` ${[Deno.execPath(), ...cliCommand("inbox")].join(" ")} `),
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(
    claimed.code,
    0,
    new TextDecoder().decode(claimed.stdout) + new TextDecoder().decode(claimed.stderr),
  );
  await _ok(
    s.inbox(["done", "--agent", "wa", "--thread", a.thread, "--body", "ok"], {
      INBOX_TOKEN: a.token,
    }),
  );

  const views = [
    await s.orch(["status", "--run", "R"]),
    await s.orch(["run", "show", "--run", "R"]),
    await s.orch(["wait", "--run", "R", "--after-event", "0", "--timeout-seconds", "0"]),
    await s.orch(["blocked", "--run", "R"]),
    await s.inbox(["show", "--thread", a.thread]),
    await s.inbox(["list"]),
    await s.inbox(["fetch", "--agent", "wa", "--peek"]),
    await s.inbox(["fetch", "--agent", "orch", "--peek"]),
    await _run("orch", s.db, ["status", "--run", "R"], { ORCH_TOKEN: s.leader }),
  ];
  const rows = JSON.stringify(await dumpRows(s.db));
  for (const secret of [a.token, s.leader]) {
    for (const v of views) {
      assert.equal(v.code, 0, v.stdout + v.stderr);
      assert.ok(!(v.stdout + v.stderr).includes(secret), `a view printed a token: ${v.stdout}`);
    }
    assert.ok(!rows.includes(secret), "the database holds a token in clear");
  }
});
