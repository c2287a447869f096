import assert from "node:assert/strict";
import { cli, ok, orch, tempDb } from "./_cli.ts";
import { assertError, blockedTask, seedRun } from "./_orch.ts";

Deno.test("orch graph: Mermaid and DOT with every task, its status and an edge per dependency", async () => {
  await using env = await tempDb();
  await seedRun(env.db, "R", { A: "w1", B: "w2", C: "w3" }, [["B", "A"], ["C", "A"], ["C", "B"]]);
  await blockedTask(env.db, { run: "R", task: "A", agent: "w1", thread: "1", question: "Which?" });

  const mermaid = await ok(orch(env.db, "graph", "--run", "R", "--format", "mermaid"));
  assert.equal(mermaid["format"], "mermaid");
  const m = String(mermaid["graph"]);
  assert.match(m, /^flowchart TD\n/);
  assert.match(m, /t0\["A: Task A<br\/>blocked"\]/);
  assert.match(m, /t1\["B: Task B<br\/>pending"\]/);
  assert.deepEqual(m.match(/t\d --> t\d/g), ["t0 --> t1", "t0 --> t2", "t1 --> t2"]);
  assert.match(m, /class t0 s_blocked/);

  const dot = await cli("orch", ["--db", env.db, "graph", "--run", "R", "--format", "dot"]);
  assert.equal(dot.code, 0, dot.stderr);
  assert.match(dot.stdout, /^digraph "R" \{\n/);
  assert.match(dot.stdout, /t0 \[label="A: Task A\\nblocked"[^\n]*penwidth=3\];/);
  assert.deepEqual(dot.stdout.match(/t\d -> t\d;/g), ["t0 -> t1;", "t0 -> t2;", "t1 -> t2;"]);

  // Mermaid is the default format.
  const plain = await cli("orch", ["--db", env.db, "graph", "--run", "R"]);
  assert.equal(plain.stdout, m);
});

Deno.test("orch graph: an unknown format or run is a clear error", async () => {
  await using env = await tempDb();
  await seedRun(env.db, "R", { A: "w1" });
  const bad = await orch(env.db, "graph", "--run", "R", "--format", "svg");
  assertError(bad, "USAGE", 2);
  assert.match(bad.json.error!.message, /"svg".*mermaid, dot|mermaid, dot.*"svg"/);
  assertError(await orch(env.db, "graph", "--run", "nope"), "RUN_NOT_FOUND", 3);
});
