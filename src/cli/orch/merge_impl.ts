/**
 * `orch merge`: the integration queue. Merges the run's accepted code results
 * into a branch, one by one in dependency order, in core (never in the user's
 * checkout); with `--check`, runs the user's command in a temporary
 * integration worktree after each merge. The branch then moves once, by
 * compare-and-swap; a clean checkout of it is fast-forwarded, a dirty one is
 * refused untouched. Finally the outcome is recorded in one transaction.
 */
import { resolve } from "../../path.ts";
import { discoverRepo } from "../../git/repo.ts";
import {
  branchHead,
  branchTip,
  checkoutOf,
  fastForwardCheckout,
  mergeCommits,
  moveBranch,
  NO_HOOKS,
  targetMoved,
  type Tip,
} from "../../git/merge.ts";
import { runGit } from "../../git/run_git.ts";
import { AppError } from "../../protocol/errors.ts";
import { type MergeCandidate, mergeQueue } from "../../store/orch/merge_queue.ts";
import { type LeftOutTask, type MergedTask, recordMerge } from "../../store/orch/record_merge.ts";
import type { CliContext } from "../context.ts";
import { respond } from "../respond.ts";
import { gitOrchStore } from "./impl.ts";
import { integrationDir, withIntegrationWorktree } from "./integration.ts";

/** How much of a failing check's output is kept (its tail). */
export const CHECK_OUTPUT_TAIL_CHARS = 4000;

export interface MergeFlags {
  run: string;
  into: string;
  task?: readonly string[];
  check?: string;
  dryRun?: boolean;
  repoPath?: string;
}

export function merge(this: CliContext, flags: MergeFlags): Promise<void> {
  return respond(this, async () => {
    const store = await gitOrchStore(this);
    await store.reconcile(flags.run);
    const repo = discoverRepo(resolve(flags.repoPath ?? Deno.cwd()));
    _checkBranchName(repo, flags.into);
    const fromTip = branchTip(repo, flags.into);
    if (fromTip === null) {
      throw new AppError(
        "BASE_REF_NOT_FOUND",
        `Branch "${flags.into}" does not exist in "${repo}"`,
        {
          repo,
          branch: flags.into,
        },
      );
    }
    const from = fromTip.commit;
    const checkout = checkoutOf(repo, flags.into);
    _refuseDirty(checkout, flags.into);
    const { queue, skipped } = await mergeQueue(store, flags.run, flags.into, flags.task);
    const foreign = queue.filter((c) => _real(c.attempt.repo_path!) !== _real(repo));
    if (foreign.length) {
      throw new AppError(
        "USAGE",
        `Task "${foreign[0]!.task_id}" was dispatched in "${
          foreign[0]!.attempt.repo_path
        }", not in "${repo}": pass --repo-path`,
        { task_id: foreign[0]!.task_id, repo_path: foreign[0]!.attempt.repo_path, repo },
      );
    }
    const runQueue = (checkDir: string | undefined) =>
      _integrate(repo, flags, queue, fromTip, checkDir);
    const result = flags.check !== undefined && !flags.dryRun
      ? withIntegrationWorktree(integrationDir(repo), flags.run, from, runQueue)
      : runQueue(undefined);
    const { merged, leftOut, to } = result;
    const summary = {
      run_id: flags.run,
      into: flags.into,
      from,
      to,
      dry_run: flags.dryRun ?? false,
      merged,
      left_out: leftOut,
      skipped,
      checkout,
    };
    if (flags.dryRun) return { json: summary, text: _text(summary) };
    if (to !== from) {
      if (checkout !== null) {
        _refuseDirty(checkout, flags.into);
        if (branchHead(repo, flags.into) !== from) throw targetMoved(flags.into, from);
        fastForwardCheckout(checkout, flags.into, to, from);
      } else {
        moveBranch(repo, flags.into, to, from, `orch merge: run ${flags.run}`);
      }
    }
    if (merged.length || leftOut.length) {
      await recordMerge(store, { runId: flags.run, into: flags.into, from, to, merged, leftOut });
    }
    return { json: summary, text: _text(summary) };
  });
}

function _integrate(
  repo: string,
  flags: MergeFlags,
  queue: MergeCandidate[],
  from: Tip,
  checkDir: string | undefined,
): { merged: MergedTask[]; leftOut: LeftOutTask[]; to: string } {
  const merged: MergedTask[] = [];
  const leftOut: LeftOutTask[] = [];
  const out = new Set<string>();
  let head: Tip | undefined;
  for (const c of queue) {
    const a = c.attempt;
    const blocker = c.needs.find((d) => out.has(d) || !queue.some((q) => q.task_id === d));
    if (blocker !== undefined) {
      out.add(c.task_id);
      leftOut.push({
        task_id: c.task_id,
        attempt_id: a.id,
        status: "dependency_left_out",
        detail: { dependency: blocker },
      });
      continue;
    }
    head ??= from;
    const outcome = mergeCommits(
      repo,
      head,
      a.result!.head_commit!,
      `Merge task ${c.task_id} of run ${flags.run} (attempt ${a.n}, ${a.branch_name})`,
    );
    if (outcome.kind === "conflict") {
      out.add(c.task_id);
      leftOut.push({
        task_id: c.task_id,
        attempt_id: a.id,
        status: "merge_conflict",
        detail: { paths: outcome.paths },
      });
      continue;
    }
    if (outcome.kind === "merged" && checkDir !== undefined) {
      const check = _runCheck(checkDir, outcome.commit, flags.check!);
      if (check.code !== 0) {
        out.add(c.task_id);
        leftOut.push({
          task_id: c.task_id,
          attempt_id: a.id,
          status: "check_failed",
          detail: { command: flags.check, exit_code: check.code, output_tail: check.tail },
        });
        continue;
      }
    }
    head = { commit: outcome.commit, tree: outcome.tree };
    merged.push({
      task_id: c.task_id,
      attempt_id: a.id,
      commit: outcome.commit,
      already_contained: outcome.kind === "already_contained",
    });
  }
  return { merged, leftOut, to: head?.commit ?? from.commit };
}

/** Checks `commit` out in the integration worktree and runs the user's command there. */
function _runCheck(dir: string, commit: string, command: string): { code: number; tail: string } {
  runGit([...NO_HOOKS, "checkout", "--quiet", "--force", "--detach", commit], { cwd: dir });
  runGit(["clean", "-q", "-f", "-d", "-x"], { cwd: dir });
  let output: Deno.CommandOutput;
  try {
    // Through the shell, as the user typed it; stderr folded into stdout, in order.
    output = new Deno.Command("sh", {
      args: ["-c", 'eval "$1" 2>&1', "orch-check", command],
      cwd: dir,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).outputSync();
  } catch (err) {
    throw new AppError("USAGE", `Cannot run the --check command through "sh": ${String(err)}`, {
      command,
    });
  }
  const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
  return { code: output.code, tail: text.slice(-CHECK_OUTPUT_TAIL_CHARS) };
}

/**
 * Staged or unstaged changes to tracked files in the target's checkout.
 * Untracked files (a database kept in the repository, say) do not count: the
 * fast-forward refuses to overwrite one, and leaves the others alone.
 */
function _refuseDirty(checkout: string | null, branch: string): void {
  if (checkout === null) return;
  const status = runGit(
    ["--no-optional-locks", "status", "--porcelain=v1", "-z", "--untracked-files=no"],
    { cwd: checkout },
  ).stdout;
  if (status !== "") {
    throw new AppError(
      "TARGET_DIRTY",
      `Branch "${branch}" is checked out in "${checkout}" with uncommitted changes: commit or stash them first (nothing was merged, nothing was touched)`,
      { branch, checkout },
    );
  }
}

function _checkBranchName(repo: string, branch: string): void {
  const ok = branch !== "" && !branch.startsWith("-") &&
    runGit(["check-ref-format", `refs/heads/${branch}`], { cwd: repo, allowCodes: [1] }).code ===
      0;
  if (!ok) throw new AppError("USAGE", `Branch name "${branch}" is not valid`, { branch });
}

function _real(path: string): string {
  try {
    return Deno.realPathSync(path);
  } catch {
    return resolve(path);
  }
}

function _text(s: {
  into: string;
  from: string;
  to: string;
  dry_run: boolean;
  merged: MergedTask[];
  left_out: LeftOutTask[];
  skipped: Array<{ task_id: string; reason: string }>;
}): string {
  const lines = [
    `${s.dry_run ? "Would merge" : "Merged"} ${s.merged.length} task(s) into ${s.into}: ${
      s.from.slice(0, 12)
    } -> ${s.to.slice(0, 12)}${s.to === s.from ? " (unchanged)" : ""}`,
    ...s.merged.map((m) =>
      `  merged ${m.task_id}${m.already_contained ? " (already contained)" : ""} ${
        m.commit.slice(0, 12)
      }`
    ),
    ...s.left_out.map((l) =>
      `  left out ${l.task_id}: ${l.status}${
        Array.isArray(l.detail["paths"]) ? ` (${(l.detail["paths"] as string[]).join(", ")})` : ""
      }${l.detail["dependency"] ? ` (dependency ${l.detail["dependency"]})` : ""}`
    ),
    ...s.skipped.map((k) => `  skipped ${k.task_id}: ${k.reason}`),
  ];
  return lines.join("\n");
}
