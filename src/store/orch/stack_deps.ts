/**
 * What a dependent task builds on (stacked dispatch): the accepted code
 * results of the done tasks it depends on, directly or not, in dependency
 * order. Read-only; call inside a read or write transaction.
 *
 * @module
 */
import type { Db } from "../../db/db.ts";
import type { IncludedDep } from "../orch_types.ts";

/** One dependency commit to merge into a dependent's starting point, with its result summary. */
export interface StackDep extends IncludedDep {
  /** The dependency worker's result message (its `done` body); "" when there is none. */
  summary: string;
}

/**
 * The task's dependencies (transitively) that are done with an accepted code
 * result, ordered so a dependency comes before the tasks that depend on it
 * (then creation order). Analysis dependencies and "no change" results have
 * no commits to include; a dependency whose work another one already holds
 * is still listed (merging it is a no-op).
 */
export function stackDeps(db: Db, runId: string, taskId: string): StackDep[] {
  const edges = new Map<string, string[]>();
  for (const r of db.all("SELECT task_id, depends_on FROM deps WHERE run_id = ?", runId)) {
    const from = String(r["task_id"]);
    const list = edges.get(from) ?? [];
    list.push(String(r["depends_on"]));
    edges.set(from, list);
  }
  const seq = new Map<string, number>(
    db.all("SELECT id, seq FROM tasks WHERE run_id = ?", runId)
      .map((r) => [String(r["id"]), Number(r["seq"])]),
  );
  const bySeq = (a: string, b: string) => (seq.get(a) ?? 0) - (seq.get(b) ?? 0);
  // Post-order walk from the task: every dependency is listed after its own dependencies.
  const order: string[] = [];
  const seen = new Set<string>([taskId]);
  const visit = (id: string) => {
    for (const d of [...(edges.get(id) ?? [])].sort(bySeq)) {
      if (seen.has(d)) continue;
      seen.add(d);
      visit(d);
      order.push(d);
    }
  };
  visit(taskId);
  const out: StackDep[] = [];
  for (const id of order) {
    const row = db.get(
      `SELECT a.id, a.branch_name, a.head_commit, a.thread_id, a.execution_mode, a.result
       FROM tasks t JOIN attempts a ON a.run_id = t.run_id AND a.task_id = t.id
       WHERE t.run_id = ? AND t.id = ? AND t.status = 'done'
       ORDER BY a.n DESC LIMIT 1`,
      runId,
      id,
    );
    if (
      !row || row["execution_mode"] !== "code" || row["result"] !== "accepted" ||
      row["head_commit"] == null
    ) continue;
    out.push({
      task_id: id,
      attempt_id: Number(row["id"]),
      branch_name: row["branch_name"] == null ? null : String(row["branch_name"]),
      head_commit: String(row["head_commit"]),
      summary: resultSummary(db, Number(row["thread_id"])),
    });
  }
  return out;
}

/** The included dependencies with their result summaries (for a payload that lists them). */
export function withSummaries(db: Db, deps: readonly IncludedDep[]): StackDep[] {
  return deps.map((d) => {
    const thread = db.get("SELECT thread_id FROM attempts WHERE id = ?", d.attempt_id)?.[
      "thread_id"
    ];
    return { ...d, summary: thread == null ? "" : resultSummary(db, Number(thread)) };
  });
}

/** Whether two stacks name the same attempts and commits, in the same order. */
export function sameStack(a: readonly IncludedDep[], b: readonly IncludedDep[]): boolean {
  return a.length === b.length &&
    a.every((d, i) => d.attempt_id === b[i]!.attempt_id && d.head_commit === b[i]!.head_commit);
}

/** The body of the thread's latest result message, "" when there is none. */
function resultSummary(db: Db, threadId: number): string {
  const body = db.get(
    "SELECT body FROM messages WHERE thread_id = ? AND type = 'result' ORDER BY id DESC LIMIT 1",
    threadId,
  )?.["body"];
  return body == null ? "" : String(body);
}
