/**
 * Issue 7 item 10: `orch merge` of 20 small task branches, and the stacked
 * dispatch of a task with 5 done dependencies, each as a ratio to the same
 * work done with raw `git` commands, sampled interleaved in the same run.
 *
 * The raw baselines do what orch does, in core and without orch's
 * bookkeeping: per branch `git merge-tree --write-tree` and `git
 * commit-tree`, then one `git update-ref` (merge); the dependencies merged
 * the same way onto the base, then `git worktree add -b` at the result
 * (stacked dispatch).
 */
import { join } from "node:path";
import type { BenchContext } from "./bench_inbox.ts";
import { expectOk, interleave, judge, type Metric, stats, timeDeno } from "./bench_lib.ts";

/** How many accepted task branches `orch merge` integrates per sample. */
const MERGE_TASKS = 20;
/** How many done dependencies the stacked dispatch merges. */
const STACK_DEPS = 5;
/** Target: orch within this factor of raw git. */
const MAX_RATIO = 1.5;
const RUN = "bench";
const AGENT = "w";

const _decoder = new TextDecoder();

function _git(cwd: string, ...args: string[]): string {
  const out = new Deno.Command("git", { args, cwd, stdout: "piped", stderr: "piped" }).outputSync();
  if (out.code !== 0) {
    throw new Error(`git ${args.join(" ")} failed: ${_decoder.decode(out.stderr)}`);
  }
  return _decoder.decode(out.stdout).trim();
}

/** The two metrics: merge of 20 branches, stacked dispatch with 5 dependencies. */
export async function benchMerge(ctx: BenchContext): Promise<Metric[]> {
  const rounds = ctx.quick ? 3 : 10;
  const repo = join(ctx.dir, "merge-repo");
  const db = join(ctx.dir, "merge.db");
  await Deno.mkdir(repo);
  _git(repo, "init", "-q", "-b", "main");
  _git(repo, "config", "user.email", "bench@example.invalid");
  _git(repo, "config", "user.name", "bench");
  await Deno.writeTextFile(join(repo, "README.md"), "# bench\n");
  _git(repo, "add", "-A");
  _git(repo, "commit", "-q", "-m", "base");
  const base = _git(repo, "rev-parse", "main");

  const orch = async (...args: string[]) =>
    expectOk(await timeDeno([...ctx.cli("orch"), "--db", db, "--json", ...args]), args[0]!);
  const inbox = async (...args: string[]) =>
    expectOk(await timeDeno([...ctx.cli("inbox"), "--db", db, "--json", ...args]), args[0]!);

  // Setup (not timed): MERGE_TASKS accepted code tasks, each committing its own file; the
  // first STACK_DEPS of them are the dependencies of the dispatched tasks.
  let t = performance.now();
  await orch("init");
  await orch("run", "init", "--run", RUN, "--goal", "bench");
  const branches: string[] = [];
  for (let i = 0; i < MERGE_TASKS; i++) {
    const task = `M${i}`;
    await orch("task", "add", "--run", RUN, "--task", task, "--title", task, "--default-to", AGENT);
    const d = await orch(
      "dispatch",
      "--run",
      RUN,
      "--task",
      task,
      "--execution-mode",
      "code",
      "--repo-path",
      repo,
      "--base-ref",
      "main",
    );
    const a = d["attempt"] as Record<string, unknown>;
    const wt = String(a["worktree_path"]);
    const thread = String(a["thread_id"]);
    await inbox("claim", "--agent", AGENT, "--thread", thread);
    await Deno.writeTextFile(join(wt, `m${i}.txt`), `task ${i}\n`);
    _git(wt, "add", "-A");
    _git(wt, "commit", "-q", "-m", task);
    await inbox("done", "--agent", AGENT, "--thread", thread, "--body", `Added m${i}.txt`);
    branches.push(String(a["branch_name"]));
  }
  await orch("reconcile", "--run", RUN);
  const deps = Array.from({ length: STACK_DEPS }, (_, i) => `M${i}`).join(",");
  // Warm-up rounds dispatch too: one dependent task per sample, plus two.
  const dependents = rounds + 2;
  for (let i = 0; i < dependents; i++) {
    await orch(
      "task",
      "add",
      "--run",
      RUN,
      "--task",
      `S${i}`,
      "--title",
      `S${i}`,
      "--default-to",
      AGENT,
      "--depends-on",
      deps,
    );
  }
  ctx.log(
    `merge bench setup: ${MERGE_TASKS} accepted task branches in ${
      ((performance.now() - t) / 1000).toFixed(1)
    } s`,
  );
  // A snapshot of the database with nothing merged yet: each merge sample starts from a copy.
  const snapshot = join(ctx.dir, "merge-snapshot.db");
  await orch("status", "--run", RUN);
  await Deno.copyFile(db, snapshot);

  // ---- orch merge of 20 branches vs merge-tree + commit-tree + update-ref ----
  t = performance.now();
  let sample = 0;
  const merge = await interleave(
    [
      {
        name: "orch merge",
        run: async () => {
          const n = sample++;
          const copy = join(ctx.dir, `merge-${n}.db`);
          await Deno.copyFile(snapshot, copy);
          _git(repo, "branch", `into-orch-${n}`, base);
          const r = await timeDeno([
            ...ctx.cli("orch"),
            "--db",
            copy,
            "--json",
            "merge",
            "--run",
            RUN,
            "--into",
            `into-orch-${n}`,
            "--repo-path",
            repo,
          ]);
          const j = expectOk(r, "merge");
          if ((j["merged"] as unknown[]).length !== MERGE_TASKS) {
            throw new Error(
              "merge merged too few",
            );
          }
          return r.ms;
        },
      },
      {
        name: "raw git",
        run: () => {
          const n = sample++;
          _git(repo, "branch", `into-git-${n}`, base);
          const t0 = performance.now();
          let head = base;
          for (const b of branches) {
            const tree = _git(repo, "merge-tree", "--write-tree", head, b).split("\n")[0]!;
            head = _git(repo, "commit-tree", tree, "-p", head, "-p", b, "-m", `Merge ${b}`);
          }
          _git(repo, "update-ref", `refs/heads/into-git-${n}`, head, base);
          return Promise.resolve(performance.now() - t0);
        },
      },
    ],
    rounds,
    1,
  );
  ctx.log(`merge bench: ${((performance.now() - t) / 1000).toFixed(1)} s`);

  // ---- stacked dispatch of a task with 5 deps vs merge-tree x5 + worktree add ----
  await Deno.copyFile(snapshot, db);
  const depHeads = branches.slice(0, STACK_DEPS);
  let s = 0;
  let g = 0;
  t = performance.now();
  const stack = await interleave(
    [
      {
        name: "orch dispatch",
        run: async () => {
          const task = `S${s++}`;
          const r = await timeDeno([
            ...ctx.cli("orch"),
            "--db",
            db,
            "--json",
            "dispatch",
            "--run",
            RUN,
            "--task",
            task,
            "--execution-mode",
            "code",
            "--repo-path",
            repo,
            "--base-ref",
            "main",
          ]);
          const j = expectOk(r, "dispatch");
          const included = (j["attempt"] as Record<string, unknown>)["included_deps"] as unknown[];
          if (included.length !== STACK_DEPS) throw new Error("dispatch stacked too few");
          return r.ms;
        },
      },
      {
        name: "raw git",
        run: () => {
          const n = g++;
          const t0 = performance.now();
          let head = _git(repo, "rev-parse", "main^{commit}");
          for (const b of depHeads) {
            if (
              new Deno.Command("git", { args: ["merge-base", "--is-ancestor", head, b], cwd: repo })
                .outputSync().code === 0
            ) {
              head = _git(repo, "rev-parse", b);
              continue;
            }
            const tree = _git(repo, "merge-tree", "--write-tree", head, b).split("\n")[0]!;
            head = _git(repo, "commit-tree", tree, "-p", head, "-p", b, "-m", `Start from ${b}`);
          }
          _git(
            repo,
            "worktree",
            "add",
            "--quiet",
            "-b",
            `raw/stack-${n}`,
            join(ctx.dir, `raw-stack-${n}`),
            head,
          );
          return Promise.resolve(performance.now() - t0);
        },
      },
    ],
    rounds,
    1,
  );
  ctx.log(`stacked dispatch bench: ${((performance.now() - t) / 1000).toFixed(1)} s`);

  return [
    _ratio(
      "orch_merge_20",
      `orch merge of ${MERGE_TASKS} accepted task branches`,
      merge,
      "orch merge",
      `raw git: ${MERGE_TASKS} x (merge-tree + commit-tree), update-ref`,
    ),
    _ratio(
      "orch_stacked_dispatch_5",
      `orch dispatch of a code task with ${STACK_DEPS} done dependencies (stacked)`,
      stack,
      "orch dispatch",
      `raw git: ${STACK_DEPS} x (merge-base --is-ancestor, merge-tree + commit-tree), worktree add -b`,
    ),
  ];
}

function _ratio(
  id: string,
  name: string,
  samples: Map<string, number[]>,
  variant: string,
  baselineName: string,
): Metric {
  const v = stats(samples.get(variant)!);
  const b = stats(samples.get("raw git")!);
  return judge({
    id,
    group: "orch",
    name,
    unit: "ms",
    value: v.p50,
    p95: v.p95,
    n: v.n,
    baseline: { name: baselineName, value: b.p50, p95: b.p95, unit: "ms" },
    ratio: v.p50 / b.p50,
    target: { kind: "ratio_max", value: MAX_RATIO, text: `<= ${MAX_RATIO}x` },
    note: "ratio of medians, interleaved with the raw git commands; orch's figure includes its " +
      "process start-up and database work",
    detail: { stats: v, baseline_stats: b },
  });
}
