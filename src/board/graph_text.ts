/**
 * The dependency graph as text to paste into docs and pull requests:
 * Mermaid (`flowchart`) or Graphviz DOT. Node ids are generated (`t0`,
 * `t1`, ...) so any task id is safe; labels are escaped for each format.
 */
import type { GraphFormat } from "./graph_formats.ts";
import { type GraphNode, needsAttention, nodeStyle, statusLabel } from "./graph_model.ts";

export { GRAPH_FORMATS, type GraphFormat } from "./graph_formats.ts";

/** Longest title shown in a node; longer ones end with an ellipsis. */
export const MAX_TITLE_CHARS = 60;

function _title(title: string): string {
  const flat = title.replace(/\s+/g, " ").trim();
  return flat.length > MAX_TITLE_CHARS ? flat.slice(0, MAX_TITLE_CHARS - 1) + "…" : flat;
}

/** Mermaid label text: entity codes for the characters its parser treats specially. */
function _mermaidText(s: string): string {
  return s.replace(/["#&<>`\[\]{}()|\\]/g, (c) => `#${c.codePointAt(0)};`);
}

/** A DOT double-quoted string's content. */
function _dotText(s: string): string {
  return s.replace(/\\/g, "\\\\").replace(/"/g, '\\"');
}

function _ids(nodes: readonly GraphNode[]): Map<string, string> {
  return new Map(nodes.map((n, i) => [n.id, `t${i}`]));
}

/** Edges as [dependency, dependent] node-id pairs, dependencies on unknown tasks left out. */
function _edges(nodes: readonly GraphNode[], ids: Map<string, string>): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const n of nodes) {
    for (const d of n.depends_on) {
      const from = ids.get(d);
      if (from !== undefined) out.push([from, ids.get(n.id)!]);
    }
  }
  return out;
}

/** A Mermaid flowchart, top to bottom, a class per status. */
export function renderMermaid(nodes: readonly GraphNode[]): string {
  const ids = _ids(nodes);
  const lines = ["flowchart TD"];
  for (const n of nodes) {
    lines.push(
      `  ${ids.get(n.id)}["${_mermaidText(n.id)}: ${_mermaidText(_title(n.title))}<br/>${
        _mermaidText(statusLabel(n))
      }"]`,
    );
  }
  for (const [from, to] of _edges(nodes, ids)) lines.push(`  ${from} --> ${to}`);
  const classes = new Map<string, { first: GraphNode; members: string[] }>();
  for (const n of nodes) {
    const cls = _className(n);
    const entry = classes.get(cls) ?? { first: n, members: [] };
    entry.members.push(ids.get(n.id)!);
    classes.set(cls, entry);
  }
  for (const [cls, { first: n, members }] of classes) {
    const s = nodeStyle(n);
    const width = needsAttention(n) ? "3px" : "1px";
    lines.push(`  classDef ${cls} fill:${s.fill},stroke:${s.stroke},stroke-width:${width}`);
    lines.push(`  class ${members.join(",")} ${cls}`);
  }
  return lines.join("\n") + "\n";
}

/** Class name of a node's look: its status (letters and `_` only), or `stale`. */
function _className(n: GraphNode): string {
  return n.stale ? "stale" : "s_" + n.status.replace(/[^A-Za-z0-9_]/g, "_");
}

/** A Graphviz DOT digraph, top to bottom, nodes filled by status. */
export function renderDot(nodes: readonly GraphNode[], name = "run"): string {
  const ids = _ids(nodes);
  const lines = [
    `digraph "${_dotText(name)}" {`,
    "  rankdir=TB;",
    '  node [shape=box, style="rounded,filled", fontname="sans-serif"];',
  ];
  for (const n of nodes) {
    const s = nodeStyle(n);
    const label = `${n.id}: ${_title(n.title)}\n${statusLabel(n)}`;
    lines.push(
      `  ${ids.get(n.id)} [label="${
        _dotText(label).replace(/\n/g, "\\n")
      }", fillcolor="${s.fill}", color="${s.stroke}", penwidth=${needsAttention(n) ? 3 : 1}];`,
    );
  }
  for (const [from, to] of _edges(nodes, ids)) lines.push(`  ${from} -> ${to};`);
  lines.push("}");
  return lines.join("\n") + "\n";
}

/** The graph in `format`. */
export function renderGraphText(
  nodes: readonly GraphNode[],
  format: GraphFormat,
  name?: string,
): string {
  return format === "mermaid" ? renderMermaid(nodes) : renderDot(nodes, name);
}
