/**
 * The orch commands about code results: `diff` (what an attempt changed) and
 * `merge` (the integration queue). They load git, so they live apart from
 * the read paths in impl.ts.
 */
import { diffRange, diffText } from "../../git/diff.ts";
import { worktreeState } from "../../git/worktree.ts";
import { runGit } from "../../git/run_git.ts";
import { AppError } from "../../protocol/errors.ts";
import { findAttempt } from "../../store/orch/find_attempt.ts";
import type { CliContext } from "../context.ts";
import { respond } from "../respond.ts";
import { gitOrchStore } from "./impl.ts";

export function diff(
  this: CliContext,
  flags: { run: string; task: string; attempt?: number; stat?: boolean },
): Promise<void> {
  return respond(this, async () => {
    const store = await gitOrchStore(this);
    await store.reconcile(flags.run);
    const attempt = await findAttempt(store, flags.run, flags.task, flags.attempt);
    const from = attempt.start_commit ?? attempt.base_commit;
    if (attempt.execution_mode !== "code" || !from || !attempt.repo_path) {
      throw new AppError(
        "INVALID_STATE",
        `Attempt ${attempt.n} of task "${attempt.task_id}" is an analysis attempt: it has no code to diff`,
        { run_id: attempt.run_id, task_id: attempt.task_id, attempt_n: attempt.n },
      );
    }
    const repo = attempt.repo_path;
    // The branch as it is now; its recorded head if the branch is gone.
    const ref = runGit(
      [
        "rev-parse",
        "--verify",
        "--quiet",
        "--end-of-options",
        `refs/heads/${attempt.branch_name}^{commit}`,
      ],
      { cwd: repo, allowCodes: [1, 128] },
    );
    const to = ref.code === 0 ? ref.stdout.trim() : attempt.result?.head_commit ?? null;
    if (to === null) {
      throw new AppError(
        "WORKSPACE_ERROR",
        `Branch "${attempt.branch_name}" of attempt ${attempt.n} of task "${attempt.task_id}" no longer exists`,
        { run_id: attempt.run_id, task_id: attempt.task_id, branch_name: attempt.branch_name },
      );
    }
    const d = diffRange(repo, from, to);
    const worktree = attempt.workspace_status === "active" && attempt.worktree_path
      ? worktreeState(attempt.worktree_path)
      : "missing";
    const text = diffText(repo, from, to, flags.stat ?? false);
    const header =
      `${attempt.run_id}/${attempt.task_id} attempt ${attempt.n} (${attempt.branch_name}): ${
        from.slice(0, 12)
      }..${
        to.slice(0, 12)
      }, ${d.commits.length} commit(s), ${d.totals.files} file(s) +${d.totals.insertions} -${d.totals.deletions}${
        worktree === "dirty" ? "\n(the worktree also has uncommitted changes, not shown)" : ""
      }`;
    const commits = d.commits.map((c) => `  ${c.commit.slice(0, 12)} ${c.subject}`).join("\n");
    return {
      json: {
        run_id: attempt.run_id,
        task_id: attempt.task_id,
        attempt,
        from,
        to,
        worktree,
        files: d.files,
        commits: d.commits,
        totals: d.totals,
        patch: flags.stat ? null : text,
      },
      text: `${header}\n${commits}${commits ? "\n" : ""}${text.replace(/\n$/, "")}`,
    };
  });
}
