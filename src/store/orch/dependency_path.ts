import type { OrchContext } from "./context.ts";

/** A dependency path from `from` to `to` (inclusive), or undefined (breadth first). */
export async function dependencyPath(
  ctx: OrchContext,
  input: { runId: string; from: string; to: string },
): Promise<string[] | undefined> {
  const { runId, from, to } = input;
  if (from === to) return [from];
  const parent = new Map<string, string>();
  const queue = [from];
  const seen = new Set([from]);
  while (queue.length) {
    const cur = queue.shift()!;
    for (
      const r of await ctx.db.all(
        "SELECT depends_on FROM deps WHERE run_id = ? AND task_id = ?",
        runId,
        cur,
      )
    ) {
      const next = String(r["depends_on"]);
      if (seen.has(next)) continue;
      seen.add(next);
      parent.set(next, cur);
      if (next === to) {
        const path = [to];
        let p = to;
        while (p !== from) {
          p = parent.get(p)!;
          path.unshift(p);
        }
        return path;
      }
      queue.push(next);
    }
  }
  return undefined;
}
