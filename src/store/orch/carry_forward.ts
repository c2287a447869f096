/**
 * Where a retry's or reassign's new code attempt starts (work carried
 * forward). Runs git through the workspace provider: call it outside any
 * write transaction.
 *
 * @module
 */
import type { Db } from "../../db/db.ts";
import type { Attempt, IncludedDep, WorkspaceProvider } from "../orch_types.ts";
import { type StackDep, stackDeps, withSummaries } from "./stack_deps.ts";

/** What the new attempt's branch starts from, and the dependencies' work it holds. */
export interface RedispatchStart {
  /** Start the branch at this commit; undefined: at the (resolved) base, merged with `stack`. */
  startFrom?: { commit: string; includedDeps: readonly IncludedDep[] };
  /** The previous head carried forward, when it had commits past its start. */
  carried?: string;
  /** With `--base-ref`: the done dependencies' work, to merge onto the new base. */
  stack: StackDep[];
  /** The included dependencies with their result summaries, for the payload and brief. */
  deps: StackDep[];
}

/**
 * Without `baseRef` the branch starts at the previous branch's head when it
 * has commits past the previous start (a dead or replaced worker's committed
 * progress survives), else where the previous attempt started (its
 * dependencies' work included). With `baseRef`: that ref merged with the done
 * dependencies' work, as a dispatch would.
 */
export function redispatchStart(
  db: Db,
  provider: WorkspaceProvider | undefined,
  prev: Attempt,
  baseRef: string | undefined,
): RedispatchStart {
  if (!prev.repo_path || !prev.branch_name) return { stack: [], deps: [] };
  if (baseRef !== undefined) {
    const stack = db.read(() => stackDeps(db, prev.run_id, prev.task_id));
    return { stack, deps: stack };
  }
  const start = prev.start_commit ?? prev.base_commit;
  const head = provider?.branchHead(prev.repo_path, prev.branch_name) ?? null;
  const carried = head !== null && head !== start ? head : undefined;
  const from = carried ?? (start !== prev.base_commit ? start : undefined);
  if (!from) return { stack: [], deps: [] };
  return {
    startFrom: { commit: from, includedDeps: prev.included_deps },
    ...(carried ? { carried } : {}),
    stack: [],
    deps: db.read(() => withSummaries(db, prev.included_deps)),
  };
}
