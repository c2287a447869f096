/**
 * The domain rules of orch_rules.ts as SQL fragments, generated from the
 * same status lists (orch_types.ts), for every query that filters or shows by
 * them: readiness, the waiting dependencies, live, final and settled
 * statuses, staleness. Both backends speak them. rules_sql_test.ts runs each
 * fragment and its TypeScript predicate over every status combination on a
 * real database and holds them to the same answers.
 *
 * Arguments are column expressions written by the store (never input).
 *
 * @module
 */

import {
  DEPENDENCY_DONE_STATUS,
  FINAL_TASK_STATUSES,
  LIVE_TASK_STATUSES,
  SETTLED_TASK_STATUSES,
  WAITING_TASK_STATUS,
} from "../orch_types.ts";

/** A status as an SQL literal (statuses are fixed words: checked, not escaped). */
function _literal(status: string): string {
  if (!/^[a-z_]+$/.test(status)) throw new Error(`Not a status word: "${status}"`);
  return `'${status}'`;
}

function _list(statuses: readonly string[]): string {
  return statuses.map(_literal).join(", ");
}

/** `status` is the waiting (pending) status. */
export function waitingSql(status: string): string {
  return `${status} = ${_literal(WAITING_TASK_STATUS)}`;
}

/** A dependency in `status` still holds back the tasks that depend on it (not done). */
export function dependencyWaitingSql(status: string): string {
  return `${status} <> ${_literal(DEPENDENCY_DONE_STATUS)}`;
}

/**
 * The task row `t` (an alias of `tasks`) is ready: pending, and no dependency
 * not done. The subquery's aliases (`rd`, `ru`) must not be used by the caller.
 */
export function readySql(t: string): string {
  return `${waitingSql(`${t}.status`)} AND NOT EXISTS (
    SELECT 1 FROM deps rd JOIN tasks ru ON ru.run_id = rd.run_id AND ru.id = rd.depends_on
    WHERE rd.run_id = ${t}.run_id AND rd.task_id = ${t}.id AND ${
    dependencyWaitingSql("ru.status")
  })`;
}

/**
 * The status the task row `t` shows: `ready` when {@linkcode readySql} holds,
 * else its stored status. Only a pending task looks at its dependencies.
 */
export function shownStatusSql(t: string): string {
  return `CASE WHEN ${readySql(t)} THEN 'ready' ELSE ${t}.status END`;
}

/** `status` is live: a worker holds it under a lease. */
export function liveSql(status: string): string {
  return `${status} IN (${_list(LIVE_TASK_STATUSES)})`;
}

/** `status` is final (done, failed, cancelled). */
export function finalSql(status: string): string {
  return `${status} IN (${_list(FINAL_TASK_STATUSES)})`;
}

/**
 * The attempt `a` of the task `k` is finished, so `cleanup` may remove what it left (a worktree,
 * a view): the attempt or its task is final.
 */
export function attemptFinishedSql(a: string, k: string): string {
  return `(${finalSql(`${a}.status`)} OR ${finalSql(`${k}.status`)})`;
}

/** `status` is not final. */
export function notFinalSql(status: string): string {
  return `${status} NOT IN (${_list(FINAL_TASK_STATUSES)})`;
}

/** The run still waits for a task in `status` (not done or cancelled). */
export function unsettledSql(status: string): string {
  return `${status} NOT IN (${_list(SETTLED_TASK_STATUSES)})`;
}

/** The columns of an attempt staleness is judged on. */
export interface StaleColumns {
  status: string;
  staleAt: string;
  leaseExpiresAt: string;
}

/** The attempt is stale at `now` (an SQL expression): live, and marked or its lease ran out. */
export function staleSql(c: StaleColumns, now: string): string {
  return `${liveSql(c.status)} AND (${c.staleAt} IS NOT NULL OR ${c.leaseExpiresAt} <= ${now})`;
}

/** The attempt went stale and no reconcile has marked it yet (the `task_stale` event is due). */
export function newlyStaleSql(c: StaleColumns, now: string): string {
  return `${c.staleAt} IS NULL AND ${liveSql(c.status)} AND ${c.leaseExpiresAt} <= ${now}`;
}
