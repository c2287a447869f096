/**
 * `inbox mcp` and `orch mcp` through the MCP SDK's own client over stdio,
 * each server spawned with its program's permission flags: the tool lists
 * stay small, a worker loop and a leader loop run end to end, a blocking
 * wait returns when another process writes, and errors carry the CLI's codes.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { cli, inbox, ok, orch, tempDb, until } from "./_cli.ts";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { type Json, mcpSession } from "./_mcp.ts";
import { git } from "./_git.ts";
import { tempRepo } from "./_orch.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

/** The budget of one server's whole tools/list answer, in characters. */
const TOOLS_LIST_BUDGET = 12_000;

Deno.test("each server's tools/list stays under 12,000 characters", async () => {
  await using env = await tempDb();
  for (
    const [program, extra] of [["inbox", []], ["inbox", ["--agent", "w1"]], ["orch", []]] as const
  ) {
    await using s = await mcpSession(program, env.db, [...extra]);
    const list = await s.client.listTools();
    const size = JSON.stringify(list).length;
    assert.ok(size < TOOLS_LIST_BUDGET, `${program} ${extra.join(" ")}: ${size} characters`);
    assert.ok(list.tools.length >= 10, `${program}: ${list.tools.length} tools`);
    for (const t of list.tools as { name: string; description?: string }[]) {
      assert.ok(t.description && t.description.length <= 120, t.name);
    }
  }
});

Deno.test("worker loop through inbox mcp: fetch, claim, update, ask (answered by another process), done, show", async () => {
  await using env = await tempDb();
  const db = env.db;
  const report = join(env.dir, "report.md");
  await Deno.writeTextFile(report, "# Report\n");
  const sent = await ok(
    inbox(db, "send", "--from", "lead", "--to", "w1", "--subject", "Build it", "--body", "Go"),
  );
  const thread = (sent["thread"] as Json)["id"] as number;
  await using w = await mcpSession("inbox", db, ["--agent", "w1"]);

  const fetched = await w.ok("fetch");
  assert.deepEqual((fetched["messages"] as Json[]).map((m) => m["body"]), ["Go"]);
  const claimed = await w.ok("claim", { thread });
  const epoch = (claimed["thread"] as Json)["lease_epoch"] as number;
  assert.equal((claimed["thread"] as Json)["claimed_by"], "w1");
  await w.ok("renew", { thread, lease_seconds: 600, lease_epoch: epoch });
  const updated = await w.ok("update", {
    thread,
    progress: 40,
    body: "--json halfway, not a flag",
    lease_epoch: epoch,
  });
  assert.equal((updated["message"] as Json)["body"], "--json halfway, not a flag");
  assert.equal((updated["thread"] as Json)["progress"], 40);

  // ask blocks until the leader, another process, replies.
  const asking = w.call("ask", { thread, question: "Which database?", timeout_seconds: 60 });
  await until(async () => {
    const t = await ok(inbox(db, "show", "--thread", String(thread)));
    return (t["thread"] as Json)["status"] === "blocked";
  }, { what: "the question" });
  await ok(inbox(db, "reply", "--agent", "lead", "--thread", String(thread), "--body", "SQLite"));
  const asked = await asking;
  assert.equal(asked.isError, false, JSON.stringify(asked.json));
  assert.equal(asked.json["timed_out"], false);
  assert.equal((asked.json["message"] as Json)["body"], "SQLite");

  const done = await w.ok("done", {
    thread,
    body: "Built",
    payload: { tests: "green" },
    artifacts: [report],
    lease_epoch: epoch,
  });
  assert.equal((done["thread"] as Json)["status"], "done");
  assert.equal((done["artifacts"] as Json[]).length, 1);
  const shown = await w.ok("show", { thread });
  assert.deepEqual(
    (shown["messages"] as Json[]).map((m) => m["type"]),
    ["task", "progress", "question", "reply", "result"],
  );
  assert.deepEqual((shown["messages"] as Json[]).at(-1)?.["payload"], { tests: "green" });
  const found = await w.ok("search", { query: "database" });
  assert.deepEqual((found["hits"] as Json[]).map((h) => h["message_type"]), ["question"]);

  // Errors carry the CLI's codes, and a failed call changes nothing.
  await w.fails("done", { thread }, "THREAD_CLOSED");
  await w.fails("show", { thread: 999 }, "THREAD_NOT_FOUND");
  await w.fails("claim", {}, "NO_CLAIMABLE_THREAD");
  await w.fails("update", { thread: "1" }, "USAGE");
  await w.fails("update", { thread, bogus: 1 }, "USAGE");
  await w.fails("update", { thread, progress: 101 }, "USAGE");
  await w.fails("nope", {}, "USAGE");
  await w.fails("search", { query: '"' }, "INVALID_INPUT");
  const after = await ok(inbox(db, "show", "--thread", String(thread)));
  assert.equal((after["messages"] as Json[]).length, 5);
});

Deno.test("inbox mcp without --agent needs agent on each call", async () => {
  await using env = await tempDb();
  await using w = await mcpSession("inbox", env.db);
  const list = await w.client.listTools();
  const tools = list.tools as { name: string; inputSchema: { required?: string[] } }[];
  const fetch = tools.find((t) => t.name === "fetch")!;
  assert.deepEqual(fetch.inputSchema.required, ["agent"]);
  await w.fails("fetch", {}, "USAGE");
  assert.deepEqual((await w.ok("fetch", { agent: "w9" }))["messages"], []);
});

Deno.test("leader loop through orch mcp: plan, dispatch, blocked, answer, wait woken by a worker process", async () => {
  await using env = await tempDb();
  const db = env.db;
  await using o = await mcpSession("orch", db);
  await o.ok("run_init", { run: "r1", goal: "Ship" });
  await o.ok("task_add", { run: "r1", task: "a", title: "First", default_to: "w1" });
  await o.ok("task_add", {
    run: "r1",
    task: "b",
    title: "Second",
    default_to: "w2",
    acceptance: { tests: "pass" },
  });
  await o.ok("dep_add", { run: "r1", task: "b", depends_on: "a" });
  const ready = await o.ok("ready", { run: "r1" });
  assert.deepEqual((ready["tasks"] as Json[]).map((t) => t["id"]), ["a"]);
  await o.fails("dispatch", { run: "r1", task: "b", execution_mode: "analysis" }, "TASK_NOT_READY");
  await o.fails("dep_add", { run: "r1", task: "a", depends_on: "b" }, "DEPENDENCY_CYCLE");

  const d = await o.ok("dispatch", {
    run: "r1",
    task: "a",
    execution_mode: "analysis",
    body: "Do a",
  });
  const thread = String((d["attempt"] as Json)["thread_id"]);
  const ref = ["--agent", "w1", "--thread", thread];
  await ok(inbox(db, "claim", ...ref));
  await ok(inbox(db, "update", ...ref, "--status", "blocked", "--body", "Which port?"));
  const blocked = await o.ok("blocked", { run: "r1" });
  assert.match(JSON.stringify(blocked), /Which port\?/);
  await o.ok("answer", { run: "r1", task: "a", body: "8080" });
  const t = await o.ok("thread", { thread: Number(thread) });
  assert.equal((t["messages"] as Json[]).at(-1)?.["body"], "8080");

  // A blocking wait returns when another process writes.
  const before = await o.ok("wait", { run: "r1", timeout_seconds: 0 });
  const cursor = before["cursor"] as number;
  const waiting = o.call("wait", {
    run: "r1",
    for: ["task_done"],
    after_event: cursor,
    timeout_seconds: 60,
  });
  await ok(inbox(db, "done", ...ref, "--body", "a is done"));
  const woke = await waiting;
  assert.equal(woke.isError, false, JSON.stringify(woke.json));
  assert.equal(woke.json["timed_out"], false);
  assert.deepEqual((woke.json["events"] as Json[]).map((e) => `${e["task_id"]}:${e["type"]}`), [
    "a:task_done",
  ]);

  const status = await o.ok("status", { run: "r1" });
  const tasks = new Map((status["tasks"] as Json[]).map((x) => [x["id"], x["status"]]));
  assert.equal(tasks.get("a"), "done");
  assert.equal(tasks.get("b"), "ready");

  const b = await o.ok("dispatch", { run: "r1", task: "b", execution_mode: "analysis" });
  const bRef = ["--agent", "w2", "--thread", String((b["attempt"] as Json)["thread_id"])];
  await ok(inbox(db, "claim", ...bRef));
  await ok(inbox(db, "fail", ...bRef, "--reason", "flaky"));
  const retried = await o.ok("retry", { run: "r1", task: "b", to: "w3" });
  assert.equal((retried["attempt"] as Json)["assigned_to"], "w3");
  const moved = await o.ok("reassign", { run: "r1", task: "b", to: "w4" });
  assert.equal((moved["attempt"] as Json)["assigned_to"], "w4");
  await o.ok("cancel", { run: "r1", task: "b", reason: "descoped" });
  await o.fails("cancel", { run: "nope" }, "RUN_NOT_FOUND");
  const hits = await o.ok("search", { query: "port", run: "r1" });
  assert.ok((hits["hits"] as Json[]).length > 0);
});

Deno.test("orch mcp: a code dispatch with repo_path, the worker commits, diff shows it, merge lands it", async () => {
  await using env = await tempRepo();
  await using o = await mcpSession("orch", env.db, [], env.dir);
  await o.ok("run_init", { run: "c1", goal: "Code" });
  await o.ok("task_add", { run: "c1", task: "t", title: "Add a file", default_to: "w1" });
  const d = await o.ok("dispatch", {
    run: "c1",
    task: "t",
    execution_mode: "code",
    repo_path: env.repo,
  });
  const attempt = d["attempt"] as Json;
  const worktree = String(attempt["worktree_path"]);
  await Deno.writeTextFile(join(worktree, "added.txt"), "hello\n");
  await git(worktree, "add", "added.txt");
  await git(
    worktree,
    "-c",
    "user.name=W",
    "-c",
    "user.email=w@example.com",
    "commit",
    "-qm",
    "Add",
  );
  const ref = ["--agent", "w1", "--thread", String(attempt["thread_id"])];
  await ok(inbox(env.db, "claim", ...ref));
  await ok(inbox(env.db, "done", ...ref, "--body", "added"));
  const diff = await o.ok("diff", { run: "c1", task: "t", stat: true });
  assert.deepEqual((diff["files"] as Json[]).map((f) => `${f["status"]}:${f["path"]}`), [
    "added:added.txt",
  ]);
  assert.equal(diff["patch"], null);
  const merged = await o.ok("merge", { run: "c1", into: "main", repo_path: env.repo });
  assert.deepEqual((merged["merged"] as Json[]).map((m) => m["task_id"]), ["t"]);
  assert.equal(await git(env.repo, "show", "main:added.txt"), "hello\n");
  const cleaned = await o.ok("cleanup", { run: "c1", all_completed: true, delete_branches: true });
  assert.deepEqual((cleaned["cleaned"] as Json[]).map((a) => a["task_id"]), ["t"]);
  assert.equal(await Deno.stat(worktree).then(() => true, () => false), false);
  assert.equal(await git(env.repo, "branch", "--list", String(attempt["branch_name"])), "");
});

Deno.test("strict mode: tools take the capability token; the server's token serves calls without one", async () => {
  const dir = await Deno.makeTempDir({ prefix: "mcp-tokens-" });
  try {
    const db = join(dir, "coord.db");
    const init = await ok(inbox(db, "init", "--require-tokens"));
    const leader = String(init["leader_token"]);
    await using o = await mcpSession("orch", db, [], undefined, { ORCH_TOKEN: leader });
    await using bare = await mcpSession("orch", db);
    await bare.fails("run_init", { run: "r", goal: "g" }, "FORBIDDEN");
    await bare.ok("run_init", { run: "r", goal: "g", token: leader });
    await o.ok("task_add", { run: "r", task: "t", title: "T", default_to: "w1" });
    const d = await o.ok("dispatch", { run: "r", task: "t", execution_mode: "analysis" });
    const worker = String(d["token"]);
    const thread = (d["attempt"] as Json)["thread_id"] as number;
    // The orch server's inbox tools run with the leader token too.
    await o.ok("thread", { thread });

    await using w = await mcpSession("inbox", db, ["--agent", "w1"]);
    await w.fails("claim", { thread }, "FORBIDDEN");
    await w.fails("claim", { thread, token: leader + "x" }, "FORBIDDEN");
    await w.ok("claim", { thread, token: worker });
    const asking = w.call("ask", { thread, question: "Port?", token: worker, timeout_seconds: 60 });
    await until(async () => {
      const b = await o.ok("blocked", { run: "r" });
      return (b["blocked"] as Json[]).length ? b : undefined;
    }, { what: "the question" });
    await o.ok("answer", { run: "r", task: "t", body: "8080" });
    const asked = await asking;
    assert.equal(asked.isError, false, JSON.stringify(asked.json));
    assert.equal((asked.json["message"] as Json)["body"], "8080");
    await using w2 = await mcpSession("inbox", db, ["--token", worker, "--agent", "w1"]);
    await w2.ok("done", { thread, body: "ok" });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("mcp on a missing database is a plain CLI error before any protocol", async () => {
  await using env = await tempDb();
  const r = await cli("inbox", ["--db", join(env.dir, "missing.db"), "--json", "mcp"]);
  assert.equal(r.code, 3);
  assert.equal(r.json.error?.code, "DB_NOT_FOUND");
  const o = await orch(join(env.dir, "missing.db"), "mcp");
  assert.equal(o.json.error?.code, "DB_NOT_FOUND");
});

Deno.test("README: the mcpServers configuration starts both servers through the launchers", async () => {
  await using env = await tempDb();
  const readme = await Deno.readTextFile(join(ROOT, "README.md"));
  const section = readme.slice(readme.indexOf("## MCP servers"));
  const block = section.match(/```json\n([\s\S]*?)```/)![1]!;
  const config = JSON.parse(
    block.replaceAll("/path/to/coord", ROOT).replaceAll("/path/to/project/coord.db", env.db),
  ) as { mcpServers: Record<string, { command: string; args: string[] }> };
  assert.deepEqual(Object.keys(config.mcpServers), ["inbox", "orch"]);
  await ok(
    inbox(env.db, "send", "--from", "lead", "--to", "worker-1", "--subject", "s", "--body", "b"),
  );
  for (const [name, server] of Object.entries(config.mcpServers)) {
    const client = new Client({ name: "readme-test", version: "1" });
    await client.connect(
      new StdioClientTransport({
        command: server.command,
        args: server.args,
        env: { PATH: Deno.env.get("PATH") ?? "", HOME: Deno.env.get("HOME") ?? env.dir },
        stderr: "inherit",
      }),
    );
    try {
      const tools = (await client.listTools()).tools as { name: string }[];
      assert.ok(tools.some((t) => t.name === "search"), name);
      if (name === "inbox") {
        // --agent worker-1 from the configuration fills the agent of every call.
        const r = await client.callTool({ name: "fetch", arguments: {} });
        const json = JSON.parse((r.content as { text: string }[])[0]!.text);
        assert.equal(json.messages.length, 1);
      }
    } finally {
      await client.close();
    }
  }
});
