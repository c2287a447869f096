/**
 * Attempt branches `cleanup --delete-branches` may consider: attempts that
 * are over (done, failed or cancelled) and whose worktree is gone, with the
 * run's merge target (read-only).
 */
import { iso } from "../clock.ts";
import type { OrchContext } from "./context.ts";
import type { Attempt } from "../orch_types.ts";
import { ATTEMPT_SELECT, attemptFromRow } from "./attempt_row.ts";
import { getRun } from "./get_run.ts";
import { finalSql } from "./rules_sql.ts";

export async function branchCandidates(
  store: OrchContext,
  runId: string,
  taskId: string | undefined,
): Promise<{ attempts: Attempt[]; mergeTarget: string | null }> {
  return await store.db.read(async () => {
    await getRun(store, runId);
    const target = (await store.db.get("SELECT merge_target FROM runs WHERE id = ?", runId))?.[
      "merge_target"
    ];
    const now = iso(store.clock.now());
    const attempts = (await store.db.all(
      `${ATTEMPT_SELECT} WHERE a.run_id = ? AND (? IS NULL OR a.task_id = ?)
         AND a.branch_name IS NOT NULL AND a.workspace_status IN ('cleaned', 'missing')
         AND ${finalSql("a.status")}
       ORDER BY a.id`,
      runId,
      taskId ?? null,
      taskId ?? null,
    )).map((r) => attemptFromRow(r, now));
    return { attempts, mergeTarget: target == null ? null : String(target) };
  });
}
