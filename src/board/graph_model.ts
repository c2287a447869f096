/**
 * The dependency graph of a run as the renderers see it: one node per task
 * (its status, and whether its worker went stale), edges from a dependency
 * to the task that waits for it. Pure data; built from the status view.
 */

/** One task of the graph. */
export interface GraphNode {
  id: string;
  title: string;
  /** The task's (derived) status: `ready`, `blocked`, `done`, ... */
  status: string;
  /** The latest attempt's worker let its lease run out. */
  stale: boolean;
  /** Ids of the tasks this one waits for. */
  depends_on: readonly string[];
}

/** What the renderers need from a status task (TaskView and its JSON agree on these). */
export interface GraphSourceTask {
  id: string;
  title: string;
  status: string;
  depends_on: readonly string[];
  latest_attempt: { stale: boolean } | null;
}

/** The graph nodes of a run's tasks, in the run's order. */
export function graphNodes(tasks: readonly GraphSourceTask[]): GraphNode[] {
  return tasks.map((t) => ({
    id: t.id,
    title: t.title,
    status: t.status,
    stale: t.latest_attempt?.stale ?? false,
    depends_on: t.depends_on,
  }));
}

/** The label shown for a node's status: `in_progress (stale)` when the worker went stale. */
export function statusLabel(n: GraphNode): string {
  return n.stale ? `${n.status} (stale)` : n.status;
}

/**
 * Colours by status (fill, stroke, text), shared by the SVG, Mermaid and
 * DOT renderers so the picture means the same everywhere. Blocked and stale
 * nodes get loud colours and a thick border; unknown statuses (new ones
 * added later) fall back to `OTHER_STYLE`.
 */
export const STATUS_STYLES: Readonly<Record<string, { fill: string; stroke: string }>> = {
  pending: { fill: "#f3f4f6", stroke: "#9ca3af" },
  ready: { fill: "#e0f2fe", stroke: "#0284c7" },
  dispatched: { fill: "#ede9fe", stroke: "#7c3aed" },
  in_progress: { fill: "#dbeafe", stroke: "#2563eb" },
  verifying: { fill: "#cffafe", stroke: "#0891b2" },
  blocked: { fill: "#fef3c7", stroke: "#d97706" },
  done: { fill: "#dcfce7", stroke: "#16a34a" },
  merged: { fill: "#bbf7d0", stroke: "#15803d" },
  failed: { fill: "#fee2e2", stroke: "#dc2626" },
  cancelled: { fill: "#e5e7eb", stroke: "#6b7280" },
};

/** Style of a status no entry of `STATUS_STYLES` names. */
export const OTHER_STYLE = { fill: "#ffffff", stroke: "#374151" } as const;

/** Style of a stale node, whatever its status: the worker is likely dead. */
export const STALE_STYLE = { fill: "#fecaca", stroke: "#b91c1c" } as const;

/** The style a node is drawn with. */
export function nodeStyle(n: GraphNode): { fill: string; stroke: string } {
  if (n.stale) return STALE_STYLE;
  return STATUS_STYLES[n.status] ?? OTHER_STYLE;
}

/** Whether a node needs the leader's attention (drawn with a thick border). */
export function needsAttention(n: GraphNode): boolean {
  return n.stale || n.status === "blocked" || n.status === "failed";
}
