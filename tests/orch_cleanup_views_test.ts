/**
 * `orch cleanup` removes the read-only views (`refs/orch-views/...`) of the
 * finished analysis attempts it cleans, as it removes finished code
 * attempts' worktrees: never a view a live attempt reads, nor a ref orch did
 * not name for one of the run's attempts.
 */
import assert from "node:assert/strict";
import { cli, inbox, ok } from "./_cli.ts";
import { git, gitResult } from "./_git.ts";
import { type Json, orchIn, seedRun, tempRepo } from "./_orch.ts";
import { dispatchCode, workAndFinish } from "./_code.ts";

async function _hasRef(repo: string, ref: string): Promise<boolean> {
  return (await gitResult(repo, "rev-parse", "--verify", "--quiet", ref)).code === 0;
}

Deno.test("cleanup removes the views of finished analysis attempts, and only those", async () => {
  await using env = await tempRepo();
  await seedRun(env.db, "R", { A: "w", Q1: "r1", Q2: "r2" }, [["Q1", "A"], ["Q2", "A"]]);
  await workAndFinish(env.db, await dispatchCode(env.repo, env.db, "R", "A"), { "a.txt": "A\n" });
  const views: Record<string, { ref: string; commit: string; ref_args: string[] }> = {};
  for (const task of ["Q1", "Q2"]) {
    const d = await ok(
      orchIn(
        env.repo,
        env.db,
        "dispatch",
        "--run",
        "R",
        "--task",
        task,
        "--execution-mode",
        "analysis",
      ),
    );
    const payload = (d["message"] as Json)["payload"] as Json;
    const attempt = d["attempt"] as Json;
    views[task] = {
      ref: String(payload["view_ref"]),
      commit: String(payload["view_commit"]),
      ref_args: [
        "--agent",
        String(attempt["assigned_to"]),
        "--thread",
        String(attempt["thread_id"]),
      ],
    };
    assert.equal(await _hasRef(env.repo, views[task]!.ref), true);
    await ok(inbox(env.db, "claim", ...views[task]!.ref_args));
  }
  const q1 = views["Q1"]!;
  const q2 = views["Q2"]!;
  // A view ref of another database (or planted by a worker in the shared .git): not ours.
  const foreign = q1.ref.replace(/^refs\/orch-views\/[^/]+\//, "refs/orch-views/other-db/");
  await git(env.repo, "update-ref", foreign, q1.commit);

  // Q1 finishes; Q2's worker is still reading its view.
  await ok(inbox(env.db, "done", ...q1.ref_args, "--body", "Reviewed"));
  const live = await ok(orchIn(env.repo, env.db, "cleanup", "--run", "R", "--task", "Q2"));
  assert.deepEqual(live["views_removed"], []);
  const r = await ok(orchIn(env.repo, env.db, "cleanup", "--run", "R", "--all-completed"));
  assert.deepEqual(r["views_removed"], [{
    attempt_id: (r["views_removed"] as Json[])[0]?.["attempt_id"],
    task_id: "Q1",
    attempt_n: 1,
    view_ref: q1.ref,
    view_commit: q1.commit,
  }]);
  assert.equal(typeof (r["views_removed"] as Json[])[0]?.["attempt_id"], "number");
  assert.equal(await _hasRef(env.repo, q1.ref), false);
  assert.equal(await _hasRef(env.repo, q2.ref), true, "a live attempt's view is kept");
  assert.equal(await _hasRef(env.repo, foreign), true, "a ref orch did not name is kept");
  // Once removed, it is not reported again.
  const again = await ok(orchIn(env.repo, env.db, "cleanup", "--run", "R", "--all-completed"));
  assert.deepEqual(again["views_removed"], []);

  // Q2 given up: its view goes with a cleanup of the task, in the text form too.
  await ok(orchIn(env.repo, env.db, "cancel", "--run", "R", "--task", "Q2"));
  const t = await cli("orch", ["--db", env.db, "cleanup", "--run", "R", "--task", "Q2"], {
    cwd: env.repo,
  });
  assert.equal(t.code, 0, t.stderr);
  assert.equal(t.stdout, `removed view ${q2.ref} of Q2 attempt 1\n`);
  assert.equal(await _hasRef(env.repo, q2.ref), false);
  assert.equal(await _hasRef(env.repo, foreign), true);
});
