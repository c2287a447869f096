/**
 * `deno task demo`: the whole story in a temp dir, with the real CLIs.
 *
 * A leader creates a run of five tasks with dependencies in a temp git repo;
 * scripted workers claim, report progress, one blocks and is answered, one
 * fails and is retried, code tasks get fresh worktrees and commit in them;
 * the run ends done and its worktrees are cleaned up. Then a council round:
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
    const file = `${task.toLowerCase()}.txt`;
    await Deno.writeTextFile(join(wt, file), `${task}: ${payload["title"]}\n`);
    await gitIn(wt, "add", file);
    await gitIn(wt, "commit", "-q", "-m", `${task}: ${payload["title"]}`);
    say(agent, `committed ${file} on ${payload["branch_name"]}`);
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
    `created run ${RUN} with ${tasks.length} tasks (T2, T3, T4 wait for T1; T5 waits for T2, T3, T4)`,
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
  const cleaned = await orch("cleanup", "--run", RUN, "--all-completed");
  say(
    "leader",
    `cleanup removed ${cleaned["cleaned"].length} worktrees (branches kept: ${
      cleaned["cleaned"].map((a: Json) => a["branch_name"]).join(", ")
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
