/**
 * The dependency graph as an SVG picture, laid out by dagre
 * (npm:@dagrejs/dagre, loaded only by `orch board`). Each node is a link to
 * the task's page carrying `data-task` and a status class, so the page can
 * recolour it live without a new layout; colours come from the page's CSS
 * (same table as graph_model.ts).
 */
import dagre from "@dagrejs/dagre";
import { type GraphNode, statusLabel } from "./graph_model.ts";
import { escapeHtml } from "./html.ts";

export const NODE_WIDTH = 190;
export const NODE_HEIGHT = 46;
/** Characters of a task id that fit on a node. */
const ID_CHARS = 24;
/** Largest run drawn as a picture: dagre's crossing reduction grows fast past a few hundred nodes. */
export const MAX_GRAPH_NODES = 300;

/** CSS class of a node: `st-<status>`, plus `stale` / `attention`. */
export function nodeClass(n: { status: string; stale: boolean }): string {
  const attention = n.stale || n.status === "blocked" || n.status === "failed";
  return `node st-${n.status.replace(/[^A-Za-z0-9_]/g, "_")}${n.stale ? " stale" : ""}${
    attention ? " attention" : ""
  }`;
}

function _cut(s: string, max: number): string {
  return s.length > max ? s.slice(0, max - 1) + "…" : s;
}

/** Where dagre put the nodes and edges: depends only on the graph's shape, so it can be cached. */
export interface GraphLayout {
  width: number;
  height: number;
  nodes: Map<string, { x: number; y: number }>;
  edges: Array<{ from: string; to: string; points: Array<{ x: number; y: number }> }>;
}

/** Lays out `nodes` top to bottom (dependencies above the tasks that wait for them). */
export function layoutGraph(nodes: readonly GraphNode[]): GraphLayout {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: "TB", nodesep: 24, ranksep: 44, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  const known = new Set(nodes.map((n) => n.id));
  for (const n of nodes) g.setNode(n.id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const n of nodes) {
    for (const d of n.depends_on) if (known.has(d)) g.setEdge(d, n.id);
  }
  dagre.layout(g);
  const { width = 0, height = 0 } = g.graph() as { width?: number; height?: number };
  return {
    width: Math.ceil(width),
    height: Math.ceil(height),
    nodes: new Map(nodes.map((n) => {
      const p = g.node(n.id) as { x: number; y: number };
      return [n.id, { x: p.x, y: p.y }];
    })),
    edges: g.edges().map((e) => ({
      from: e.v,
      to: e.w,
      points: (g.edge(e) as { points: Array<{ x: number; y: number }> }).points,
    })),
  };
}

/** Whether the run is small enough to draw. */
export function drawable(nodes: readonly GraphNode[]): boolean {
  return nodes.length <= MAX_GRAPH_NODES;
}

/** The note shown instead of a picture for a run too big to draw. */
export function tooBigNote(count: number): string {
  return `<p class="note" id="graph-too-big">${count} tasks: too many to draw here (limit ${MAX_GRAPH_NODES}). Use <code>orch graph --format dot</code>.</p>`;
}

/** The SVG element (no XML prologue) of `nodes` at `layout`; `href(id)` is each node's link. */
export function renderGraphSvg(
  nodes: readonly GraphNode[],
  href: (taskId: string) => string,
  layout: GraphLayout = layoutGraph(nodes),
): string {
  const { width, height } = layout;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" id="graph" role="img" aria-label="Task dependency graph" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" class="arrowhead"/></marker></defs>',
  ];
  for (const e of layout.edges) {
    const d = e.points.map((p, i) => `${i ? "L" : "M"}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(
      "",
    );
    parts.push(
      `<path class="edge" data-from="${escapeHtml(e.from)}" data-to="${
        escapeHtml(e.to)
      }" d="${d}" marker-end="url(#arrow)"/>`,
    );
  }
  for (const n of nodes) {
    const p = layout.nodes.get(n.id);
    if (!p) continue;
    const x = p.x - NODE_WIDTH / 2;
    const y = p.y - NODE_HEIGHT / 2;
    parts.push(
      `<a href="${escapeHtml(href(n.id))}" class="${nodeClass(n)}" data-task="${
        escapeHtml(n.id)
      }"><title>${escapeHtml(`${n.id}: ${n.title} (${statusLabel(n)})`)}</title>` +
        `<rect x="${x.toFixed(1)}" y="${
          y.toFixed(1)
        }" width="${NODE_WIDTH}" height="${NODE_HEIGHT}" rx="7"/>` +
        `<text x="${p.x.toFixed(1)}" y="${(y + 19).toFixed(1)}" class="nid">${
          escapeHtml(_cut(n.id, ID_CHARS))
        }</text>` +
        `<text x="${p.x.toFixed(1)}" y="${(y + 36).toFixed(1)}" class="nst">${
          escapeHtml(statusLabel(n))
        }</text></a>`,
    );
  }
  parts.push("</svg>");
  return parts.join("\n");
}
