/**
 * `orch publish` and `orch collect`: a code attempt worked on another host.
 * The leader pushes the attempt's branch to a git remote both hosts reach;
 * the worker's host fetches it, commits and pushes it back (plain git, see
 * docs/protocol.md#code-attempts-on-another-host); the leader fetches it
 * into a private ref, checks it only adds to the attempt's branch, moves the
 * branch (fast-forwarding the attempt's clean checkout if it has one) and
 * reconciles, so acceptance, diff and merge read the worker's commits.
 */
import { resolve } from "../../path.ts";
import {
  branchHead,
  checkoutOf,
  fastForwardCheckout,
  isAncestor,
  moveBranch,
} from "../../git/merge.ts";
import {
  COLLECT_REF_PREFIX,
  dropRef,
  fetchBranch,
  pushBranch,
  remoteUrl,
} from "../../git/remote.ts";
import { repoObjects } from "../../git/repo.ts";
import { worktreeState } from "../../git/worktree.ts";
import { verifyWorktreeLink } from "../../git/worktree_link.ts";
import { AppError } from "../../protocol/errors.ts";
import { findAttempt } from "../../store/orch/find_attempt.ts";
import type { OrchStore } from "../../store/orch_store.ts";
import type { Attempt } from "../../store/orch_types.ts";
import type { CliContext } from "../context.ts";
import { respond } from "../respond.ts";
import { gitOrchStore } from "./impl.ts";

export interface RemoteFlags {
  run: string;
  task: string;
  remote: string;
  attempt?: number;
}

/** What publish and collect both start from: the code attempt, its branch and the remote. */
interface Handover {
  store: OrchStore;
  attempt: Attempt;
  repo: string;
  branch: string;
  /** The attempt's start commit (its base when it carried nothing forward). */
  start: string;
  /** The branch's head in the leader's repository. */
  head: string;
  /** The remote's URL for this direction (`pushurl` when pushing). */
  url: string;
  /** The fields both commands' JSON opens with. */
  ids: {
    run_id: string;
    task_id: string;
    attempt_n: number;
    remote: string;
    branch_name: string;
    start_commit: string;
  };
}

export function publish(this: CliContext, flags: RemoteFlags): Promise<void> {
  return respond(this, async () => {
    const h = await _handover(this, flags, "push");
    pushBranch(h.repo, h.url, h.head, h.branch);
    return {
      json: { ...h.ids, commit: h.head },
      text: `Published ${h.branch} at ${h.head.slice(0, 12)} to ${flags.remote}`,
    };
  });
}

export function collect(this: CliContext, flags: RemoteFlags): Promise<void> {
  return respond(this, async () => {
    const { store, attempt, repo, branch, start, head: from, url, ids } = await _handover(
      this,
      flags,
      "fetch",
    );
    const ref = `${COLLECT_REF_PREFIX}${branch}`;
    let fetched: string;
    let moved = false;
    try {
      fetched = fetchBranch(repo, url, branch, ref);
      const details = {
        run_id: attempt.run_id,
        task_id: attempt.task_id,
        attempt_n: attempt.n,
        branch_name: branch,
        start_commit: start,
        local_commit: from,
        remote_commit: fetched,
      };
      if (!isAncestor(repo, start, fetched)) {
        throw new AppError(
          "REMOTE_REWRITTEN",
          `Branch "${branch}" on "${flags.remote}" (${
            fetched.slice(0, 12)
          }) does not descend from the attempt's start ${
            start.slice(0, 12)
          }: it was rewritten or replaced, nothing was collected`,
          details,
        );
      }
      if (fetched !== from && !isAncestor(repo, fetched, from)) {
        if (!isAncestor(repo, from, fetched)) {
          throw new AppError(
            "REMOTE_REWRITTEN",
            `Branch "${branch}" on "${flags.remote}" (${
              fetched.slice(0, 12)
            }) is not a fast-forward of the leader's ${
              from.slice(0, 12)
            }: it was rewritten, nothing was collected`,
            details,
          );
        }
        _moveBranch(repo, branch, fetched, from);
        moved = true;
      }
    } finally {
      dropRef(repo, ref);
    }
    // The worker may have said done already: judge it now, on the collected commits.
    await store.reconcile(flags.run);
    const after = await findAttempt(store, flags.run, flags.task, attempt.n);
    const json = {
      ...ids,
      from,
      to: moved ? fetched : from,
      remote_commit: fetched,
      moved,
      attempt: after,
      task_status: (await store.getTask(flags.run, flags.task)).status,
    };
    return { json, text: _text(json) };
  });
}

/**
 * The lookup publish and collect share, in the order they refuse: the
 * attempt (`ATTEMPT_NOT_FOUND`), a code attempt with a branch
 * (`INVALID_STATE`), the branch still in the leader's repository
 * (`WORKSPACE_ERROR`), then the remote (`REMOTE_NOT_FOUND`).
 */
async function _handover(
  ctx: CliContext,
  flags: RemoteFlags,
  direction: "push" | "fetch",
): Promise<Handover> {
  const store = await gitOrchStore(ctx);
  const attempt = await findAttempt(store, flags.run, flags.task, flags.attempt);
  const start = attempt.start_commit ?? attempt.base_commit;
  if (
    attempt.execution_mode !== "code" || !attempt.repo_path || !attempt.branch_name || !start
  ) {
    throw new AppError(
      "INVALID_STATE",
      `Attempt ${attempt.n} of task "${attempt.task_id}" is an analysis attempt: it has no branch to hand over`,
      { run_id: attempt.run_id, task_id: attempt.task_id, attempt_n: attempt.n },
    );
  }
  const repo = attempt.repo_path;
  const branch = attempt.branch_name;
  const head = _head(repo, branch, attempt);
  const url = remoteUrl(repo, flags.remote, direction);
  const ids = {
    run_id: attempt.run_id,
    task_id: attempt.task_id,
    attempt_n: attempt.n,
    remote: flags.remote,
    branch_name: branch,
    start_commit: start,
  };
  return { store, attempt, repo, branch, start, head, url, ids };
}

/** The attempt's branch head in the leader's repository; `WORKSPACE_ERROR` when it is gone. */
function _head(repo: string, branch: string, attempt: Attempt): string {
  const head = branchHead(repo, branch);
  if (head === null) {
    throw new AppError(
      "WORKSPACE_ERROR",
      `Branch "${branch}" of attempt ${attempt.n} of task "${attempt.task_id}" no longer exists in "${repo}"`,
      { run_id: attempt.run_id, task_id: attempt.task_id, branch_name: branch, repo },
    );
  }
  return head;
}

/**
 * Moves `branch` from `from` to `to` (a fast-forward). Checked out somewhere
 * (the attempt's own worktree): that checkout must be the link git made and
 * clean, and is fast-forwarded; otherwise the ref moves by compare-and-swap.
 */
function _moveBranch(repo: string, branch: string, to: string, from: string): void {
  const checkout = checkoutOf(repo, branch);
  if (checkout === null) {
    moveBranch(repo, branch, to, from, `orch collect: ${branch}`);
    return;
  }
  const common = repoObjects(repo).commonDir;
  if (resolve(checkout) !== resolve(repo)) verifyWorktreeLink(common, checkout);
  if (worktreeState(checkout) !== "clean") {
    throw new AppError(
      "WORKTREE_DIRTY",
      `Branch "${branch}" is checked out in "${checkout}" with uncommitted changes: nothing was collected`,
      { branch_name: branch, worktree_path: checkout },
    );
  }
  fastForwardCheckout(checkout, branch, to, from);
}

function _text(j: {
  branch_name: string;
  remote: string;
  from: string;
  to: string;
  moved: boolean;
  task_id: string;
  task_status: string;
}): string {
  return j.moved
    ? `Collected ${j.branch_name} from ${j.remote}: ${j.from.slice(0, 12)} -> ${
      j.to.slice(0, 12)
    }; task ${j.task_id} is ${j.task_status}`
    : `Nothing new on ${j.remote} for ${j.branch_name} (at ${
      j.to.slice(0, 12)
    }); task ${j.task_id} is ${j.task_status}`;
}
