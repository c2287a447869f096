/**
 * `orch board` in a real browser: headless Chromium (tests/_browser.ts)
 * against a real `orch board` subprocess with its shipped permissions, while
 * worker commands run as subprocesses on the same database.
 */
import assert from "node:assert/strict";
import { rawRequest, startBoard } from "./_board.ts";
import { inbox, ok, orch, tempDb } from "./_cli.ts";
import { blockedTask, seedRun } from "./_orch.ts";
import { STEPS } from "./browser/steps.ts";

const ROOT = new URL("..", import.meta.url).pathname;

Deno.test("orch board in Chromium: graph, live updates without reload, answering wakes wait-reply", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", "--quiet", "-A", "tests/browser/board_scenario.ts"],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, `browser scenario failed:\n${stdout}\n${stderr}`);
  assert.deepEqual(
    stdout.split("\n").filter((l) => l.startsWith("ok ")),
    STEPS.map((s) => `ok ${s}`),
  );
});

Deno.test("orch board: a request without the token, or with a foreign Host or Origin, is refused", async () => {
  await using env = await tempDb();
  await seedRun(env.db, "R", { A: "w1" });
  await blockedTask(env.db, { run: "R", task: "A", agent: "w1", thread: "1", question: "Q?" });
  await using board = await startBoard(env.db);
  const host = `127.0.0.1:${board.port}`;
  const cookie = `orch_board_${board.port}=${board.token}`;

  const noToken = await rawRequest(board.port, { path: "/run/R", headers: { host } });
  assert.equal(noToken.status, 401);
  assert.doesNotMatch(noToken.text, /data-task="A"/);
  const wrong = await rawRequest(board.port, {
    path: "/?token=" + "0".repeat(48),
    headers: { host },
  });
  assert.equal(wrong.status, 401);
  const rebinding = await rawRequest(board.port, {
    path: "/run/R",
    headers: { host: `attacker.example:${board.port}`, cookie },
  });
  assert.equal(rebinding.status, 403);
  assert.doesNotMatch(rebinding.text, /data-task="A"/);
  const good = await rawRequest(board.port, { path: "/run/R", headers: { host, cookie } });
  assert.equal(good.status, 200);
  assert.match(good.text, /data-task="A"/);
  assert.doesNotMatch(good.text, /access-control-allow/i);

  const form = "body=" + encodeURIComponent("From elsewhere");
  const type = "application/x-www-form-urlencoded";
  const crossSite = await rawRequest(board.port, {
    method: "POST",
    path: "/run/R/task/A/answer",
    headers: { host, cookie, origin: "http://attacker.example", "content-type": type },
    body: form,
  });
  assert.equal(crossSite.status, 403);
  const getAnswer = await rawRequest(board.port, {
    path: "/run/R/task/A/answer?body=x",
    headers: { host, cookie },
  });
  assert.equal(getAnswer.status, 405);
  const blocked = await ok(orch(env.db, "blocked", "--run", "R"));
  assert.equal((blocked["blocked"] as unknown[]).length, 1, "nothing was answered");

  const sameSite = await rawRequest(board.port, {
    method: "POST",
    path: "/run/R/task/A/answer",
    headers: { host, cookie, origin: `http://${host}`, "content-type": type },
    body: form,
  });
  assert.equal(sameSite.status, 303);
  assert.equal(
    ((await ok(orch(env.db, "blocked", "--run", "R")))["blocked"] as unknown[]).length,
    0,
  );
});

Deno.test("orch board: the task page shows the attempt's timeline; artifacts download, never render", async () => {
  await using env = await tempDb();
  await seedRun(env.db, "R", { A: "w1" });
  await ok(orch(env.db, "dispatch", "--run", "R", "--task", "A", "--execution-mode", "analysis"));
  await ok(inbox(env.db, "claim", "--agent", "w1", "--thread", "1"));
  const file = `${env.dir}/notes.html`;
  await Deno.writeTextFile(file, "<script>alert(1)</script>");
  await ok(
    inbox(
      env.db,
      "done",
      "--agent",
      "w1",
      "--thread",
      "1",
      "--body",
      "Done <b>now</b>",
      "--artifact",
      file,
    ),
  );
  await using board = await startBoard(env.db);
  const headers = {
    host: `127.0.0.1:${board.port}`,
    cookie: `orch_board_${board.port}=${board.token}`,
  };
  const page = await rawRequest(board.port, { path: "/run/R/task/A", headers });
  assert.equal(page.status, 200);
  assert.match(page.text, /Attempt #1: w1/);
  assert.match(page.text, /Done &lt;b&gt;now&lt;\/b&gt;/);
  const link = /href="\/artifact\/(\d+)" download="notes\.html"/.exec(page.text);
  assert.ok(link, page.text);
  const art = await rawRequest(board.port, { path: `/artifact/${link[1]}`, headers });
  assert.equal(art.status, 200);
  assert.match(art.text, /content-type: application\/octet-stream/i);
  assert.match(art.text, /content-disposition: attachment; filename="notes\.html"/i);
  assert.match(art.text, /\r\n\r\n<script>alert\(1\)<\/script>$/);
  const missing = await rawRequest(board.port, { path: "/run/R/task/nope", headers });
  assert.equal(missing.status, 404);
  assert.match(missing.text, /TASK_NOT_FOUND/);
});

Deno.test("orch board: a council run shows the tally and the rendered report", async () => {
  await using env = await tempDb();
  await ok(
    orch(
      env.db,
      "council",
      "start",
      "--run",
      "C",
      "--topic",
      "Harden it",
      "--body",
      "Review",
      "--reviewers",
      "r1,r2",
    ),
  );
  const recs = (title: string) =>
    JSON.stringify({ recommendations: [{ title, summary: "s", rationale: "r" }] });
  for (const [agent, thread] of [["r1", "1"], ["r2", "2"]] as const) {
    await ok(inbox(env.db, "claim", "--agent", agent, "--thread", thread));
    await ok(
      inbox(
        env.db,
        "done",
        "--agent",
        agent,
        "--thread",
        thread,
        "--payload-json",
        recs("Back up the database"),
      ),
    );
  }
  await using board = await startBoard(env.db);
  const headers = {
    host: `127.0.0.1:${board.port}`,
    cookie: `orch_board_${board.port}=${board.token}`,
  };
  const page = await rawRequest(board.port, { path: "/run/C", headers });
  assert.equal(page.status, 200);
  assert.match(page.text, /id="council">\s*<h2>Council: Harden it<\/h2>/);
  assert.match(page.text, /Counted 2 of 2 reviewers/);
  assert.match(page.text, /<h3>Consensus \(1\)<\/h3>\s*<ul>\s*<li>\s*Back up the database/);
  assert.match(page.text, /<pre id="council-report">[^<]*## Consensus/);
});

Deno.test("orch board: in strict mode (init --require-tokens) it needs the leader token", async () => {
  const dir = await Deno.makeTempDir({ prefix: "board-strict-" });
  try {
    const db = `${dir}/coord.db`;
    await ok(inbox(db, "init", "--require-tokens"));
    const r = await orch(db, "board", "--port", "0");
    assert.equal(r.json.ok, false, r.stdout);
    assert.equal(r.json.error?.code, "FORBIDDEN");
    assert.doesNotMatch(r.stdout, /http:\/\//);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
