import assert from "node:assert/strict";
import type { GraphNode } from "./graph_model.ts";
import { renderDot, renderMermaid } from "./graph_text.ts";

const NODES: GraphNode[] = [
  { id: "T1", title: "Project skeleton", status: "done", stale: false, depends_on: [] },
  { id: "T2", title: 'Say "hi" <b>#1</b>', status: "blocked", stale: false, depends_on: ["T1"] },
  { id: "a.b@c", title: "Stale one", status: "in_progress", stale: true, depends_on: ["T1", "T2"] },
];

Deno.test("renderMermaid: a node per task with status, an edge per dependency, classes by status", () => {
  const out = renderMermaid(NODES);
  assert.equal(out.split("\n")[0], "flowchart TD");
  assert.match(out, /^ {2}t0\["T1: Project skeleton<br\/>done"\]$/m);
  assert.match(out, /^ {2}t2\["a\.b@c: Stale one<br\/>in_progress #40;stale#41;"\]$/m);
  assert.deepEqual(out.match(/^ {2}t\d --> t\d$/gm), ["  t0 --> t1", "  t0 --> t2", "  t1 --> t2"]);
  assert.match(out, /^ {2}class t0 s_done$/m);
  assert.match(out, /^ {2}class t1 s_blocked$/m);
  assert.match(out, /^ {2}class t2 stale$/m);
  assert.match(out, /classDef s_blocked fill:#fef3c7,stroke:#d97706,stroke-width:3px/);
  assert.match(out, /classDef s_done [^\n]*stroke-width:1px/);
});

Deno.test("renderMermaid: quotes, angle brackets and # in titles are entity-coded", () => {
  const out = renderMermaid(NODES);
  const line = out.split("\n").find((l) => l.startsWith("  t1["))!;
  assert.equal(line, '  t1["T2: Say #34;hi#34; #60;b#62;#35;1#60;/b#62;<br/>blocked"]');
});

Deno.test("renderDot: quoted labels, fill by status, thick border for blocked and stale", () => {
  const out = renderDot(NODES, 'my "run"');
  assert.match(out, /^digraph "my \\"run\\"" \{$/m);
  assert.match(
    out,
    /t1 \[label="T2: Say \\"hi\\" <b>#1<\/b>\\nblocked", fillcolor="#fef3c7", color="#d97706", penwidth=3\];/,
  );
  assert.match(out, /t0 \[label="T1: Project skeleton\\ndone", [^\n]*penwidth=1\];/);
  assert.match(out, /t2 \[label="a\.b@c: Stale one\\nin_progress \(stale\)", fillcolor="#fecaca"/);
  assert.deepEqual(out.match(/^ {2}t\d -> t\d;$/gm), ["  t0 -> t1;", "  t0 -> t2;", "  t1 -> t2;"]);
  assert.ok(out.trimEnd().endsWith("}"));
});

Deno.test("renderers: a dependency on a task not in the list draws no edge; long titles are cut", () => {
  const nodes: GraphNode[] = [
    { id: "X", title: "y".repeat(100), status: "weird_new", stale: false, depends_on: ["gone"] },
  ];
  const m = renderMermaid(nodes);
  assert.doesNotMatch(m, /-->/);
  assert.match(m, /y{59}…/);
  assert.match(m, /classDef s_weird_new fill:#ffffff/);
  assert.doesNotMatch(renderDot(nodes), /->/);
});
