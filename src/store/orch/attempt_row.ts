import type { SqlFragments } from "../../storage/sql_fragments.ts";
/**
 * An `attempts` row (joined with its thread's lease) in the JSON wire shape.
 */
import type { Row } from "../../storage/db.ts";
import {
  type Attempt,
  type AttemptMerge,
  type AttemptResult,
  type AttemptStatus,
  type ExecutionMode,
  type IncludedDep,
} from "../orch_types.ts";
import { isStale } from "../orch_rules.ts";
import { type StaleColumns, staleSql } from "./rules_sql.ts";

/**
 * The thread's columns an attempt shows (alias `t`): the lease expiry (also
 * for `stale`), the current holder and the progress the worker reported.
 */
export const ATTEMPT_THREAD_COLUMNS =
  "t.lease_expires_at AS lease_expires_at, t.claimed_by AS holder, t.progress AS thread_progress";

/** Selects attempts with their thread's lease, holder and progress. */
export const ATTEMPT_SELECT =
  `SELECT a.*, ${ATTEMPT_THREAD_COLUMNS} FROM attempts a JOIN threads t ON t.id = a.thread_id`;

/** The columns staleness is judged on, for an attempt `a` joined with its thread `t`. */
export const ATTEMPT_STALE_COLUMNS: StaleColumns = {
  status: "a.status",
  staleAt: "a.stale_at",
  leaseExpiresAt: "t.lease_expires_at",
};

function _str(v: unknown): string | null {
  return v == null ? null : String(v);
}

function _num(v: unknown): number | null {
  return v == null ? null : Number(v);
}

/** The attempt of a row of {@linkcode ATTEMPT_SELECT}, `stale` judged at `now`. */
export function attemptFromRow(r: Row, now: string): Attempt {
  const status = r["status"] as AttemptStatus;
  const staleAt = (r["stale_at"] as string | null) ?? null;
  const leaseExpires = (r["lease_expires_at"] as string | null | undefined) ?? null;
  return {
    id: Number(r["id"]),
    run_id: String(r["run_id"]),
    task_id: String(r["task_id"]),
    n: Number(r["n"]),
    assigned_to: String(r["assigned_to"]),
    thread_id: Number(r["thread_id"]),
    execution_mode: r["execution_mode"] as ExecutionMode,
    status,
    stale: isStale({ status, staleAt, leaseExpiresAt: leaseExpires }, now),
    stale_at: staleAt,
    holder: _str(r["holder"]),
    progress: _num(r["thread_progress"]),
    lease_expires_at: leaseExpires,
    repo_path: _str(r["repo_path"]),
    base_ref: _str(r["base_ref"]),
    base_commit: _str(r["base_commit"]),
    branch_name: _str(r["branch_name"]),
    worktree_path: _str(r["worktree_path"]),
    workspace_status: (r["workspace_status"] as Attempt["workspace_status"]) ?? null,
    start_commit: _str(r["start_commit"]),
    included_deps: r["included_deps"] == null
      ? []
      : JSON.parse(String(r["included_deps"])) as IncludedDep[],
    result: r["result"] == null ? null : {
      status: r["result"] as AttemptResult["status"],
      reason: (r["attention_reason"] as AttemptResult["reason"]) ?? null,
      head_commit: _str(r["head_commit"]),
      commits_ahead: _num(r["commits_ahead"]),
      files_changed: _num(r["files_changed"]),
      verified_at: String(r["verified_at"]),
    },
    merge: r["merge_status"] == null ? null : {
      status: r["merge_status"] as AttemptMerge["status"],
      commit: _str(r["merge_commit"]),
      into: String(r["merged_into"]),
      detail: r["merge_detail"] == null
        ? null
        : JSON.parse(String(r["merge_detail"])) as Record<string, unknown>,
      at: String(r["merged_at"]),
    },
    created_at: String(r["created_at"]),
    updated_at: String(r["updated_at"]),
  };
}

/**
 * The same attempt built by SQLite as JSON text, for `status --json`'s fast
 * path. `a` is the attempts alias and `t` its thread's (joined on
 * `t.id = a.thread_id`), `?2` the time `stale` is judged at. Must stay equal to
 * {@linkcode attemptFromRow} (orch_store_status_test.ts checks).
 */
export const ATTEMPT_JSON_SQL = (a: string, t: string, sql: SqlFragments) =>
  `${sql.jsonObject}(
           'id', ${a}.id, 'run_id', ${a}.run_id, 'task_id', ${a}.task_id, 'n', ${a}.n,
           'assigned_to', ${a}.assigned_to, 'thread_id', ${a}.thread_id,
           'execution_mode', ${a}.execution_mode, 'status', ${a}.status,
           'stale', CASE WHEN ${
    staleSql({
      status: `${a}.status`,
      staleAt: `${a}.stale_at`,
      leaseExpiresAt: `${t}.lease_expires_at`,
    }, "?2")
  }
             THEN json('true') ELSE json('false') END,
           'stale_at', ${a}.stale_at, 'holder', ${t}.claimed_by, 'progress', ${t}.progress,
           'lease_expires_at', ${t}.lease_expires_at, 'repo_path', ${a}.repo_path, 'base_ref', ${a}.base_ref,
           'base_commit', ${a}.base_commit, 'branch_name', ${a}.branch_name,
           'worktree_path', ${a}.worktree_path, 'workspace_status', ${a}.workspace_status,
           'start_commit', ${a}.start_commit,
           'included_deps', json(COALESCE(${a}.included_deps, '[]')),
           'result', CASE WHEN ${a}.result IS NULL THEN NULL ELSE ${sql.jsonObject}(
             'status', ${a}.result, 'reason', ${a}.attention_reason,
             'head_commit', ${a}.head_commit, 'commits_ahead', ${a}.commits_ahead,
             'files_changed', ${a}.files_changed, 'verified_at', ${a}.verified_at) END,
           'merge', CASE WHEN ${a}.merge_status IS NULL THEN NULL ELSE ${sql.jsonObject}(
             'status', ${a}.merge_status, 'commit', ${a}.merge_commit, 'into', ${a}.merged_into,
             'detail', json(${a}.merge_detail), 'at', ${a}.merged_at) END,
           'created_at', ${a}.created_at, 'updated_at', ${a}.updated_at)`;
