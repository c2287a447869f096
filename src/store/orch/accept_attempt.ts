import { mapSeq } from "../map_seq.ts";
/**
 * Accepting a done code attempt (issue 7, item 1): which attempts need a look
 * (a read, before any transaction), and writing the verdict (inside the
 * reconcile transaction, after re-checking the state that was read). The git
 * reads happen in between, outside any transaction, through the workspace
 * provider.
 */
import type { Db } from "../../storage/db.ts";
import { appendEvent } from "../append_event.ts";
import type { Attempt, AttemptInspection, StoredTaskStatus } from "../orch_types.ts";
import { attentionMessage, judgeAttempt } from "./accept_rules.ts";
import { ATTEMPT_SELECT, attemptFromRow } from "./attempt_row.ts";
import { notFinalSql } from "./rules_sql.ts";
import { workerEventFields } from "./worker_event_fields.ts";

/** Latest code attempts whose worker is done and whose result is not settled yet. */
const _UNSETTLED = `${ATTEMPT_SELECT}
  WHERE a.run_id = ?1 AND a.execution_mode = 'code' AND a.worktree_path IS NOT NULL
    AND a.n = (SELECT MAX(n) FROM attempts b WHERE b.run_id = a.run_id AND b.task_id = a.task_id)
    AND (
      (a.status = 'done' AND (a.result IS NULL OR a.result = 'needs_attention'))
      OR (${notFinalSql("a.status")} AND EXISTS (
        SELECT 1 FROM events e WHERE e.thread_id = a.thread_id AND e.type = 'thread_done'
          AND e.id > ?2))
    )
  ORDER BY a.id`;

/** A code attempt to inspect, with what its worker said. */
export interface AttemptToVerify {
  attempt: Attempt;
  /** The worker finished with `done --no-changes`. */
  noChanges: boolean;
}

/**
 * The run's latest code attempts whose worker finished (or whose `done` is
 * not folded yet, after `cursor`) and whose result is unsettled: never judged,
 * or judged `needs_attention` (re-judged, so committing the left-over work
 * settles it). Read-only; call it in a read transaction.
 */
export async function attemptsToVerify(
  db: Db,
  runId: string,
  cursor: number,
  now: string,
): Promise<AttemptToVerify[]> {
  return (await mapSeq(await db.all(_UNSETTLED, runId, cursor), async (r) => {
    const attempt = attemptFromRow(r, now);
    return { attempt, noChanges: await workerSaidNoChanges(db, attempt.thread_id) };
  }));
}

/** Whether the worker's `done` carried `no_changes: true` in its result payload. */
export async function workerSaidNoChanges(db: Db, threadId: number): Promise<boolean> {
  const row = await db.get(
    "SELECT payload FROM messages WHERE thread_id = ? AND type = 'result' ORDER BY id DESC LIMIT 1",
    threadId,
  );
  if (!row || row["payload"] == null) return false;
  try {
    const p = JSON.parse(String(row["payload"])) as Record<string, unknown> | null;
    return p !== null && typeof p === "object" && p["no_changes"] === true;
  } catch {
    return false;
  }
}

/** Whether writing `inspection` would change what is recorded for `v.attempt`. */
export function wouldChange(v: AttemptToVerify, inspection: AttemptInspection): boolean {
  const r = v.attempt.result;
  if (r === null) return true;
  const j = judgeAttempt(inspection, v.noChanges);
  return j.status !== r.status || j.reason !== r.reason ||
    inspection.head_commit !== r.head_commit;
}

/** One task state change made by {@linkcode applyAcceptance}. */
export interface AcceptChange {
  task_id: string;
  attempt_id: number;
  from: string;
  to: string;
  event_id: number;
}

/**
 * Writes the verdict on a done code attempt, inside the caller's write
 * transaction. Re-checks first what was read before the git inspection: the
 * attempt is still its task's latest, done, unsettled, and its task still
 * waits for the verdict (`verifying`, or `blocked` on an earlier verdict);
 * otherwise nothing is written. Accepted (or no change needed): the result is
 * recorded, `task_accepted` and `task_done` are appended and `afterDone` runs.
 * Otherwise the task is blocked with the reason (`task_needs_attention`), and
 * the worktree is left exactly as it is.
 */
export async function applyAcceptance(
  db: Db,
  attemptId: number,
  inspection: AttemptInspection,
  now: string,
  afterDone: (runId: string, taskId: string) => Promise<void>,
): Promise<AcceptChange | undefined> {
  const row = await db.get(`${ATTEMPT_SELECT} WHERE a.id = ?`, attemptId);
  if (!row) return undefined;
  const a = attemptFromRow(row, now);
  const latest = await db.get(
    "SELECT MAX(n) AS n FROM attempts WHERE run_id = ? AND task_id = ?",
    a.run_id,
    a.task_id,
  );
  if (Number(latest?.["n"]) !== a.n || a.status !== "done" || a.execution_mode !== "code") {
    return undefined;
  }
  if (a.result !== null && a.result.status !== "needs_attention") return undefined;
  const taskStatus = String(
    (await db.get("SELECT status FROM tasks WHERE run_id = ? AND id = ?", a.run_id, a.task_id))?.[
      "status"
    ],
  ) as StoredTaskStatus;
  if (taskStatus !== "verifying" && taskStatus !== "blocked") return undefined;
  const noChanges = await workerSaidNoChanges(db, a.thread_id);
  const j = judgeAttempt(inspection, noChanges);
  if (
    a.result !== null && a.result.status === j.status && a.result.reason === j.reason &&
    a.result.head_commit === inspection.head_commit
  ) return undefined;
  await db.run(
    `UPDATE attempts SET result = ?, attention_reason = ?, head_commit = ?, commits_ahead = ?,
       files_changed = ?, verified_at = ?, updated_at = ? WHERE id = ?`,
    j.status,
    j.reason,
    inspection.head_commit,
    inspection.commits_ahead,
    inspection.files_changed,
    now,
    now,
    a.id,
  );
  // What the worker said when it finished (its latest `done`): holder, summary, message.
  const doneEvent = await db.get<{ id: number; ts: string; payload: string | null }>(
    "SELECT id, ts, payload FROM events WHERE thread_id = ? AND type = 'thread_done' ORDER BY id DESC LIMIT 1",
    a.thread_id,
  );
  const worker = doneEvent
    ? {
      thread_event_id: Number(doneEvent.id),
      ...await workerEventFields(
        db,
        "thread_done",
        JSON.parse(doneEvent.payload ?? "{}") as Record<string, unknown>,
      ),
    }
    : {};
  const common = {
    attempt_id: a.id,
    attempt_n: a.n,
    assigned_to: a.assigned_to,
    branch_name: a.branch_name,
    worktree_path: a.worktree_path,
    head_commit: inspection.head_commit,
    commits_ahead: inspection.commits_ahead,
    files_changed: inspection.files_changed,
  };
  const event = (type: string, payload: Record<string, unknown>) =>
    appendEvent(db, {
      ts: now,
      type,
      runId: a.run_id,
      taskId: a.task_id,
      threadId: a.thread_id,
      payload,
    });
  const setTask = (status: StoredTaskStatus) =>
    db.run(
      "UPDATE tasks SET status = ?, updated_at = ? WHERE run_id = ? AND id = ?",
      status,
      now,
      a.run_id,
      a.task_id,
    );
  if (j.status === "needs_attention") {
    await setTask("blocked");
    const eventId = await event("task_needs_attention", {
      ...common,
      from_status: taskStatus,
      reason: j.reason,
      message: attentionMessage(j.reason!, a.worktree_path),
      dirty_paths: inspection.dirty_paths,
      no_changes: noChanges,
      ...worker,
    });
    return {
      task_id: a.task_id,
      attempt_id: a.id,
      from: taskStatus,
      to: "blocked",
      event_id: eventId,
    };
  }
  await setTask("done");
  await event("task_accepted", {
    ...common,
    result: j.status,
    no_changes: j.status === "no_changes",
  });
  // Stamped when the worker finished, as an analysis task's is; when the task waited on an
  // earlier verdict (blocked), the work that settles it came later: stamped now.
  const eventId = await appendEvent(db, {
    ts: doneEvent && taskStatus === "verifying" ? String(doneEvent.ts) : now,
    type: "task_done",
    runId: a.run_id,
    taskId: a.task_id,
    threadId: a.thread_id,
    payload: {
      attempt_id: a.id,
      attempt_n: a.n,
      assigned_to: a.assigned_to,
      from_status: taskStatus,
      result: j.status,
      head_commit: inspection.head_commit,
      ...worker,
      recorded_at: now,
    },
  });
  await afterDone(a.run_id, a.task_id);
  return { task_id: a.task_id, attempt_id: a.id, from: taskStatus, to: "done", event_id: eventId };
}
