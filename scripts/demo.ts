/**
 * `deno task demo`: the whole story in a temp dir, with the real CLIs.
 *
 * A leader creates a run of five tasks with dependencies in a temp git repo;
 * scripted workers claim, report progress, one blocks and is answered, one
 * fails and is retried, code tasks get fresh worktrees and commit in them
 * (a dependent's worktree starts with its dependencies' work); the run ends
 * done. Then `orch merge` integrates the code into `main`: one task
 * conflicts and one fails the `--check`, both are retried (the retry starts
 * from `main` with the task's work merged in) and merged on the second pass;
 * `git log --graph` shows the result and cleanup removes the worktrees and
 * the merged branches. Then a council round:
 * three scripted reviewers with overlapping recommendations, the tally and
 * the report. Every step is a real `inbox` / `orch` process.
 */
import { join } from "node:path";
import { cliCommand, type Program } from "./permissions.ts";

const dir = await Deno.makeTempDir({ prefix: "coord-demo-" });
const db = join(dir, "coord.db");
const repo = join(dir, "repo");
const RUN = "blog_mvp_001";

const color = Deno.stdout.isTerminal();
const dim = (s: string) => color ? `\x1b[2m${s}\x1b[0m` : s;
const bold = (s: string) => color ? `\x1b[1m${s}\x1b[0m` : s;

function say(who: string, text: string): void {
  console.log(`${bold(who.padEnd(18))} ${text}`);
}

// deno-lint-ignore no-explicit-any
type Json = Record<string, any>;

async function exec(program: Program, args: string[], options: { json?: boolean } = {}): Promise<
  { code: number; out: string; json: Json }
> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      ...cliCommand(program),
      "--db",
      db,
      ...(options.json === false ? [] : ["--json"]),
      ...args,
    ],
    cwd: repo,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  let json: Json = {};
  try {
    json = JSON.parse(text);
  } catch { /* human output */ }
  if (out.code !== 0 && options.json !== false && json["ok"] !== false) {
    throw new Error(`${program} ${args.join(" ")} failed: ${new TextDecoder().decode(out.stderr)}`);
  }
  return { code: out.code, out: text, json };
}

/** Runs `program --json ...args`; throws unless it printed `"ok": true`. */
async function okJson(program: Program, args: string[]): Promise<Json> {
  const r = await exec(program, args);
  if (r.json["ok"] !== true) {
    throw new Error(`${program} ${args.join(" ")}: ${JSON.stringify(r.json["error"])}`);
  }
  return r.json;
}

const orch = (...args: string[]): Promise<Json> => okJson("orch", args);
const inbox = (...args: string[]): Promise<Json> => okJson("inbox", args);

/** Runs git in `cwd`; throws with its stderr unless it exits 0. */
async function gitIn(cwd: string, ...args: string[]): Promise<void> {
  const out = await new Deno.Command("git", { args, cwd, stdout: "null", stderr: "piped" })
    .output();
  if (out.code !== 0) {
    throw new Error(`git ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  }
}

async function showStatus(): Promise<void> {
  const r = await exec("orch", ["status", "--run", RUN], { json: false });
  console.log(dim(r.out.trimEnd().replace(/^/gm, "    ")));
}

// ---- scripted workers ----------------------------------------------------

/** Files some code tasks write (`T#n`: attempt n only); the others write `<task>.txt`. */
const EDITS: Record<string, Record<string, string>> = {
  T6: { "README.md": "# Blog MVP\n\nA blog engine.\n" },
  T7: { "README.md": "# Blog MVP\n\nFast and simple.\n" },
  T8: { "feed.txt": "RSS feed\nTODO: escape titles\n" },
  "T8#2": { "feed.txt": "RSS feed, titles escaped\n" },
};

/** The merge check: no TODO left in the integrated tree. */
const CHECK = "if grep -rn TODO --exclude-dir=.git .; then exit 1; fi";

/** What each worker does with its task; attempt numbers let a retry behave differently. */
async function work(agent: string, threadId: number, payload: Json): Promise<void> {
  const task = String(payload["task_id"]);
  const attempt = Number(payload["attempt_n"]);
  /** `inbox COMMAND --agent AGENT --thread THREAD ...args`: this worker on its thread. */
  const onThread = (command: string, ...args: string[]) =>
    inbox(command, "--agent", agent, "--thread", String(threadId), ...args);
  const claim = await onThread("claim", "--lease-seconds", "60");
  say(
    agent,
    `claimed thread ${threadId} (${task}, attempt ${attempt}, lease epoch ${
      claim["thread"]["lease_epoch"]
    })`,
  );
  await onThread("update", "--progress", "30", "--body", "Reading the brief and the code");
  if (task === "T3" && attempt === 1) {
    await onThread(
      "fail",
      "--reason",
      "Contract mismatch: the API spec names a field the schema lacks",
    );
    say(agent, `failed ${task}: contract mismatch`);
    return;
  }
  if (task === "T4") {
    const q = await onThread(
      "update",
      "--status",
      "blocked",
      "--body",
      "Should posts support scheduled publishing, or only draft and published?",
    );
    say(agent, `blocked on ${task}: asked "${q["message"]["body"]}"`);
    const reply = await onThread("wait-reply", "--timeout-seconds", "60");
    say(agent, `got the answer: "${reply["message"]["body"]}"`);
    await onThread(
      "update",
      "--status",
      "in_progress",
      "--progress",
      "70",
      "--body",
      "Designing for draft/published",
    );
  }
  if (payload["execution_mode"] === "code") {
    const wt = String(payload["worktree_path"]);
    const conflicts = (payload["merge_conflicts"] ?? []) as string[];
    if (conflicts.length) {
      // The retry of a task the merge left out: resolve the merge in progress.
      for (const f of conflicts) {
        await Deno.writeTextFile(join(wt, f), "# Blog MVP\n\nA blog engine, fast and simple.\n");
      }
      await gitIn(wt, "add", ...conflicts);
      await gitIn(wt, "commit", "-q", "--no-edit");
      say(agent, `resolved the conflict in ${conflicts.join(", ")} and committed`);
    } else {
      const edits = EDITS[`${task}#${attempt}`] ?? EDITS[task] ??
        { [`${task.toLowerCase()}.txt`]: `${task}: ${payload["title"]}\n` };
      for (const [file, text] of Object.entries(edits)) {
        await Deno.writeTextFile(join(wt, file), text);
        await gitIn(wt, "add", file);
      }
      await gitIn(wt, "commit", "-q", "-m", `${task}: ${payload["title"]}`);
      const deps = (payload["included_deps"] ?? []) as Json[];
      say(
        agent,
        `committed ${Object.keys(edits).join(", ")} on ${payload["branch_name"]}${
          deps.length ? ` (on top of ${deps.map((d) => d["task_id"]).join(", ")})` : ""
        }`,
      );
    }
  }
  await onThread(
    "update",
    "--status",
    "verifying",
    "--progress",
    "90",
    "--body",
    "Checking acceptance",
  );
  await Deno.writeTextFile(join(dir, `${task}-notes.md`), `# ${task}\n\nDone by ${agent}.\n`);
  await onThread("done", "--body", `${task} complete`, "--artifact", join(dir, `${task}-notes.md`));
  say(agent, `done with ${task}`);
}

// ---- the leader ----------------------------------------------------------

try {
  await Deno.mkdir(repo);
  await gitIn(repo, "init", "-q", "-b", "main");
  await gitIn(repo, "config", "user.email", "demo@example.com");
  await gitIn(repo, "config", "user.name", "Demo");
  await Deno.writeTextFile(join(repo, "README.md"), "# Blog MVP\n");
  await Deno.writeTextFile(join(repo, ".gitignore"), ".orch/\n");
  await gitIn(repo, "add", ".");
  await gitIn(repo, "commit", "-q", "-m", "Initial commit");
  console.log(bold(`Demo in ${dir}`));

  await inbox("init");
  await orch(
    "run",
    "init",
    "--run",
    RUN,
    "--goal",
    "Build blog MVP",
    "--summary",
    "Public blog plus admin CRUD",
  );
  const tasks: Array<[string, string, string, "code" | "analysis", string[]]> = [
    ["T1", "Project skeleton", "foundation-worker", "code", []],
    ["T2", "Summarize flaky tests", "qa-worker", "analysis", ["T1"]],
    ["T3", "API endpoints", "backend-worker", "code", ["T1"]],
    ["T4", "Post lifecycle design", "designer", "analysis", ["T1"]],
    ["T5", "Integrate and polish", "foundation-worker", "code", ["T2", "T3", "T4"]],
    ["T6", "README: what the blog is", "docs-writer", "code", ["T1"]],
    ["T7", "README: the pitch", "marketing-writer", "code", ["T1"]],
    ["T8", "RSS feed", "backend-worker", "code", ["T1"]],
  ];
  const modes = new Map<string, "code" | "analysis">();
  for (const [id, title, to, mode, deps] of tasks) {
    await orch(
      "task",
      "add",
      "--run",
      RUN,
      "--task",
      id,
      "--title",
      title,
      "--summary",
      `${title} for the blog MVP`,
      "--default-to",
      to,
    );
    for (const d of deps) await orch("dep", "add", "--run", RUN, "--task", id, "--depends-on", d);
    modes.set(id, mode);
  }
  say(
    "leader",
    `created run ${RUN} with ${tasks.length} tasks (T2-T4 and T6-T8 wait for T1; T5 waits for T2, T3, T4)`,
  );
  await showStatus();

  const workers: Promise<void>[] = [];
  const launch = (d: Json) => {
    const a = d["attempt"];
    workers.push(work(a["assigned_to"], a["thread_id"], d["message"]["payload"]));
  };
  let cursor = 0;
  for (let round = 0; round < 30; round++) {
    const run = (await orch("run", "show", "--run", RUN))["run"];
    if (run["status"] !== "active") break;
    for (const t of (await orch("ready", "--run", RUN))["tasks"]) {
      const d = await orch(
        "dispatch",
        "--run",
        RUN,
        "--task",
        t["id"],
        "--execution-mode",
        modes.get(t["id"])!,
      );
      const a = d["attempt"];
      say(
        "leader",
        `dispatched ${t["id"]} to ${a["assigned_to"]} (thread ${a["thread_id"]}${
          a["worktree_path"] ? `, worktree ${a["worktree_path"].slice(dir.length + 1)}` : ""
        })`,
      );
      launch(d);
    }
    const w = await orch(
      "wait",
      "--run",
      RUN,
      "--for",
      "task_blocked,task_done,task_failed,task_stale,run_completed",
      "--after-event",
      String(cursor),
      "--timeout-seconds",
      "60",
    );
    cursor = w["next_after_event"];
    for (const e of w["events"]) {
      say("leader", `event #${e["id"]} ${e["type"]}${e["task_id"] ? ` ${e["task_id"]}` : ""}`);
      if (e["type"] === "task_blocked") {
        const b = await orch("blocked", "--run", RUN);
        for (const item of b["blocked"]) {
          say("leader", `${item["task"]["id"]} asks: "${item["question"]["body"]}"`);
          await orch(
            "answer",
            "--run",
            RUN,
            "--task",
            item["task"]["id"],
            "--body",
            "MVP supports draft and published only.",
            "--payload-json",
            '{"statuses":["draft","published"]}',
          );
          say("leader", `answered ${item["task"]["id"]}`);
        }
      } else if (e["type"] === "task_failed" || e["type"] === "task_stale") {
        const r = await orch(
          "retry",
          "--run",
          RUN,
          "--task",
          e["task_id"],
          "--body",
          "Retry: the schema now has the field; align the API with it.",
        );
        say(
          "leader",
          `retried ${e["task_id"]}: attempt ${r["attempt"]["n"]}, fresh worktree ${
            r["attempt"]["worktree_path"]?.slice(dir.length + 1)
          }`,
        );
        launch(r);
      }
    }
    await showStatus();
  }
  await Promise.all(workers);
  const final = await orch("status", "--run", RUN);
  say(
    "leader",
    `run ${RUN} is ${final["run"]["status"]}: ${final["counts"]["done"]}/${
      final["counts"]["total"]
    } tasks done`,
  );

  // ---- integration: orch merge into main -----------------------------------
  console.log(bold("\nIntegration"));
  for (let pass = 1; pass <= 3; pass++) {
    const m = await orch("merge", "--run", RUN, "--into", "main", "--check", CHECK);
    say(
      "leader",
      `merge pass ${pass}: merged ${
        m["merged"].map((x: Json) => x["task_id"]).join(", ") || "nothing"
      } into main (${m["from"].slice(0, 7)} -> ${m["to"].slice(0, 7)})`,
    );
    if (m["left_out"].length === 0) break;
    for (const l of m["left_out"]) {
      const why = l["status"] === "merge_conflict"
        ? `conflicts in ${l["detail"]["paths"].join(", ")}`
        : l["status"] === "check_failed"
        ? `the check failed: ${
          String(l["detail"]["output_tail"]).trim() || `exit ${l["detail"]["exit_code"]}`
        }`
        : `its dependency ${l["detail"]["dependency"]} was left out`;
      say("leader", `left out ${l["task_id"]}: ${why}`);
      const r = await orch(
        "retry",
        "--run",
        RUN,
        "--task",
        l["task_id"],
        "--body",
        l["status"] === "merge_conflict"
          ? "Resolve the merge with main in your worktree and commit."
          : "The merge check found a TODO: finish it and commit.",
      );
      say("leader", `retried ${l["task_id"]}: attempt ${r["attempt"]["n"]} starts from main`);
      launch(r);
    }
    await Promise.all(workers);
    // Wait until the retried tasks' results are accepted again.
    for (;;) {
      const s = await orch("status", "--run", RUN);
      if (s["tasks"].every((t: Json) => t["status"] === "done")) break;
      const w = await orch(
        "wait",
        "--run",
        RUN,
        "--for",
        "task_done",
        "--after-event",
        String(cursor),
        "--timeout-seconds",
        "30",
      );
      cursor = w["next_after_event"];
    }
  }
  const after = await orch("status", "--run", RUN);
  say("leader", `run ${RUN} is ${after["run"]["status"]}: all code merged into main`);
  const graph = await new Deno.Command("git", {
    args: ["log", "--oneline", "--graph", "main"],
    cwd: repo,
    stdout: "piped",
  }).output();
  console.log(dim(new TextDecoder().decode(graph.stdout).trimEnd().replace(/^/gm, "    ")));
  const cleaned = await orch("cleanup", "--run", RUN, "--all-completed", "--delete-branches");
  say(
    "leader",
    `cleanup removed ${cleaned["cleaned"].length} worktrees and ${
      cleaned["branches_deleted"].length
    } merged or empty branches (kept: ${
      cleaned["branches_kept"].map((b: Json) => `${b["branch_name"]} ${b["reason"]}`).join(", ") ||
      "none"
    })`,
  );

  // ---- council round -----------------------------------------------------
  console.log(bold("\nCouncil review"));
  const started = await orch(
    "council",
    "start",
    "--run",
    "council_001",
    "--topic",
    "Harden the blog MVP before launch",
    "--body",
    "Review the MVP plan and recommend what to do before launch.",
  );
  const recs: Record<string, Json[]> = {
    "reviewer-1": [
      {
        title: "Add retries to flaky network tests",
        summary: "Wrap network calls in tests with retry",
        rationale: "Most CI failures are network timeouts",
        severity: "high",
      },
      {
        title: "Rate limit the admin login",
        summary: "Throttle login attempts",
        rationale: "Brute force risk",
        key: "login-rate-limit",
        severity: "critical",
      },
      {
        title: "Cache rendered posts",
        summary: "Cache HTML of published posts",
        rationale: "Cheap speedup",
        severity: "low",
      },
    ],
    "reviewer-2": [
      {
        title: "Retry flaky network tests",
        summary: "Retry network-bound tests twice",
        rationale: "Flakes hide real failures",
        severity: "medium",
      },
      {
        title: "Throttle admin logins",
        summary: "Lock out after 5 failures",
        rationale: "Protects the admin",
        key: "login-rate-limit",
        severity: "high",
      },
    ],
    "reviewer-3": [
      {
        title: "Add retry to flaky network tests",
        summary: "Use a retry helper",
        rationale: "Stabilises CI",
        severity: "medium",
      },
      {
        title: "Back up the database nightly",
        summary: "Nightly SQLite backup",
        rationale: "No backups today",
        severity: "high",
      },
    ],
  };
  await Promise.all(started["attempts"].map(async (a: Json) => {
    await inbox("claim", "--agent", a["assigned_to"], "--thread", String(a["thread_id"]));
    await inbox(
      "done",
      "--agent",
      a["assigned_to"],
      "--thread",
      String(a["thread_id"]),
      "--body",
      "Review complete",
      "--payload-json",
      JSON.stringify({
        summary: `Review by ${a["assigned_to"]}`,
        recommendations: recs[a["assigned_to"]],
      }),
    );
    say(a["assigned_to"], `sent ${recs[a["assigned_to"]]!.length} recommendations`);
  }));
  await orch("council", "wait", "--run", "council_001", "--timeout-seconds", "30");
  const tally = (await orch("council", "tally", "--run", "council_001"))["tally"];
  for (const bucket of ["consensus", "majority", "minority"]) {
    for (const g of tally[bucket]) {
      say("tally", `${bucket.padEnd(9)} ${g["title"]} [${g["reviewers"].join(", ")}]`);
    }
  }
  const out = join(dir, "council-report.md");
  const report = await orch("council", "report", "--run", "council_001", "--out", out);
  say(
    "leader",
    `report written to ${out} (artifact ${report["report"]["artifact_id"]}, ${
      report["report"]["size"]
    } bytes)`,
  );
  console.log(dim((await Deno.readTextFile(out)).split("\n").slice(0, 14).join("\n")));
  console.log(bold("\nDemo finished."));
} finally {
  await Deno.remove(dir, { recursive: true });
}
