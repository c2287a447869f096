/**
 * Reservations of code-mode attempts whose worktree is being made outside the
 * write transaction (see {@linkcode dispatchWithWorkspace}). Plain row
 * operations; each runs inside the caller's transaction.
 *
 * @module
 */

import type { Db, Row } from "../../db/db.ts";
import type { PlannedWorkspace } from "../orch_types.ts";

/** One reservation: attempt `n` of a task and the workspace being made for it. */
export interface Reservation {
  id: number;
  run_id: string;
  task_id: string;
  n: number;
  workspace: PlannedWorkspace;
  /** Git may have started making the workspace: whatever is at its path and branch is ours. */
  creating: boolean;
}

function _fromRow(r: Row): Reservation {
  return {
    id: Number(r["id"]),
    run_id: String(r["run_id"]),
    task_id: String(r["task_id"]),
    n: Number(r["n"]),
    workspace: {
      repo_path: String(r["repo_path"]),
      base_ref: String(r["base_ref"]),
      base_commit: String(r["base_commit"]),
      branch_name: String(r["branch_name"]),
      worktree_path: String(r["worktree_path"]),
      lock_path: String(r["lock_path"]),
      ...(r["start_commit"] == null ? {} : { start_commit: String(r["start_commit"]) }),
    },
    creating: Number(r["creating"]) === 1,
  };
}

/** The task's reservation, if any (there is at most one per task). */
export function reservationOf(db: Db, runId: string, taskId: string): Reservation | null {
  const row = db.get(
    "SELECT * FROM workspace_reservations WHERE run_id = ? AND task_id = ?",
    runId,
    taskId,
  );
  return row ? _fromRow(row) : null;
}

/** Every reservation of the run, oldest first. */
export function reservationsOfRun(db: Db, runId: string): Reservation[] {
  return db.all("SELECT * FROM workspace_reservations WHERE run_id = ? ORDER BY id", runId)
    .map(_fromRow);
}

/** Records a reservation; returns its id. */
export function insertReservation(
  db: Db,
  r: { runId: string; taskId: string; n: number; workspace: PlannedWorkspace; now: string },
): number {
  const w = r.workspace;
  return db.run(
    `INSERT INTO workspace_reservations (run_id, task_id, n, repo_path, base_ref, base_commit,
       branch_name, worktree_path, lock_path, start_commit, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    r.runId,
    r.taskId,
    r.n,
    w.repo_path,
    w.base_ref,
    w.base_commit,
    w.branch_name,
    w.worktree_path,
    w.lock_path,
    w.start_commit ?? null,
    r.now,
  ).lastInsertRowid;
}

/** Deletes reservation `id`; false if it was already gone. */
export function deleteReservation(db: Db, id: number): boolean {
  return db.run("DELETE FROM workspace_reservations WHERE id = ?", id).changes > 0;
}

/** Records that git is about to make reservation `id`'s workspace. */
export function markCreating(db: Db, id: number): boolean {
  return db.run("UPDATE workspace_reservations SET creating = 1 WHERE id = ?", id).changes > 0;
}
