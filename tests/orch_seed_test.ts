/**
 * The orch skill's "Typical Commands" (seeds/orch-skill.md), each line run as
 * written through bash in a temp repository: `./assets/orch`,
 * `./assets/orch-worker-brief` and `../inbox/assets/inbox` are small wrapper
 * scripts around our CLIs, and `/tmp/` is a temp dir. A scripted worker
 * (inbox CLI calls) acts between the leader's commands.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { cliCommand, type CliResult, inbox, ok } from "./_cli.ts";
import { hasFileOpen, spawnCli } from "./_spawn.ts";
import { git, initRepo } from "./_git.ts";
import { attemptBranch, attemptPath, exists, type Json } from "./_orch.ts";
import { until } from "./_cli.ts";

/** The seed's Typical Commands, verbatim. */
const TYPICAL_COMMANDS = [
  `../inbox/assets/inbox --db ./coord.db --json init`,
  `./assets/orch --db ./coord.db --json run init --run blog_mvp_001 --goal "Build blog MVP" --summary "Public blog plus admin CRUD"`,
  `./assets/orch --db ./coord.db --json task add --run blog_mvp_001 --task T1 --title "Project skeleton" --summary "Initialize app structure and database wiring" --default-to foundation-worker`,
  `./assets/orch --db ./coord.db --json task add --run blog_mvp_001 --task T2 --title "Summarize flaky tests" --summary "Read logs and report next steps" --default-to qa-worker --acceptance-json '{"kind":"analysis"}'`,
  `./assets/orch --db ./coord.db --json dep add --run blog_mvp_001 --task T2 --depends-on T1`,
  `./assets/orch --db ./coord.db --json ready --run blog_mvp_001`,
  `./assets/orch --db ./coord.db --json dispatch --run blog_mvp_001 --task T1 --execution-mode code --to foundation-worker --base-ref main --workspace-root .orch/worktrees --body-file tasks/t1.md > /tmp/t1-dispatch.json`,
  `./assets/orch-worker-brief --dispatch-json /tmp/t1-dispatch.json --db ./coord.db > /tmp/t1-worker-brief.txt`,
  `./assets/orch --db ./coord.db --json dispatch --run blog_mvp_001 --task T2 --execution-mode analysis --to qa-worker --body "Read the failing test logs and summarize the root cause." > /tmp/t2-dispatch.json`,
  `./assets/orch-worker-brief --dispatch-json /tmp/t2-dispatch.json --db ./coord.db > /tmp/t2-worker-brief.txt`,
  `./assets/orch --db ./coord.db --json status --run blog_mvp_001`,
  `./assets/orch --db ./coord.db --json wait --run blog_mvp_001 --for task_blocked,task_verifying,task_done,task_failed --after-event 0 --timeout-seconds 900`,
  `./assets/orch --db ./coord.db --json blocked --run blog_mvp_001`,
  `./assets/orch --db ./coord.db --json answer --run blog_mvp_001 --task T2 --body "MVP supports draft and published only."`,
  `./assets/orch --db ./coord.db --json retry --run blog_mvp_001 --task T7a --to backend-worker --body "Retry after fixing the contract mismatch."`,
  `./assets/orch --db ./coord.db --json cleanup --run blog_mvp_001 --all-completed`,
] as const;

const RUN = "blog_mvp_001";
const QUESTION = "Do posts need a scheduled state besides draft and published?";

function _quote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

/** A shell script that runs `program` from source with its compile-time flags. */
function _wrapper(program: "orch" | "inbox", extra: string[] = []): string {
  const argv = [Deno.execPath(), ...cliCommand(program), ...extra].map(_quote).join(" ");
  return `#!/bin/sh\nexec ${argv} "$@"\n`;
}

async function _writeScript(path: string, text: string): Promise<void> {
  await Deno.mkdir(join(path, ".."), { recursive: true });
  await Deno.writeTextFile(path, text);
  await Deno.chmod(path, 0o755);
}

/** Runs one command line through bash in `cwd`. */
async function _sh(cwd: string, line: string): Promise<CliResult> {
  const out = await new Deno.Command("bash", {
    args: ["-c", line],
    cwd,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  const stderr = new TextDecoder().decode(out.stderr);
  let json = {} as CliResult["json"];
  if (stdout.trim().startsWith("{")) json = JSON.parse(stdout);
  return { code: out.code, stdout, stderr, json };
}

Deno.test("orch seed Typical Commands: every line works as written, with a scripted worker", async () => {
  const base = await Deno.realPath(await Deno.makeTempDir({ prefix: "orch-seed-" }));
  try {
    // Layout: <base>/orch is the skill dir and the git repo (cwd); the inbox
    // skill sits beside it; <base>/out stands in for /tmp.
    const repo = join(base, "orch");
    const out = join(base, "out");
    await Deno.mkdir(out);
    await initRepo(repo, {
      "tasks/t1.md": "Create the app skeleton and wire the database.\n",
      "assets/orch": _wrapper("orch"),
      "assets/orch-worker-brief": _wrapper("orch", ["brief"]),
    });
    await Deno.chmod(join(repo, "assets/orch"), 0o755);
    await Deno.chmod(join(repo, "assets/orch-worker-brief"), 0o755);
    await _writeScript(join(base, "inbox/assets/inbox"), _wrapper("inbox"));
    const db = join(repo, "coord.db");
    const lines = TYPICAL_COMMANDS.map((l) => l.replaceAll("/tmp/", `${out}/`));
    let next = 0;
    /** Runs the next seed line and returns its result (must succeed). */
    const step = async (starts: string): Promise<CliResult> => {
      const line = lines[next++]!;
      assert.ok(line.includes(starts), `seed line ${next} is "${line}", expected "${starts}"`);
      const r = await _sh(repo, line);
      assert.equal(r.code, 0, `${line}\n${r.stdout}${r.stderr}`);
      return r;
    };
    const readJson = async (name: string): Promise<Json> =>
      JSON.parse(await Deno.readTextFile(join(out, name)));
    const mainCommit = (await git(repo, "rev-parse", "main")).trim();

    // inbox init, run init, task add x2, dep add, ready
    assert.equal((await step("inbox --db ./coord.db --json init")).json.ok, true);
    assert.ok(await exists(db));
    const runInit = (await step("run init")).json;
    assert.deepEqual(
      [
        (runInit["run"] as Json)["id"],
        (runInit["run"] as Json)["goal"],
        (runInit["run"] as Json)["summary"],
      ],
      [RUN, "Build blog MVP", "Public blog plus admin CRUD"],
    );
    const t1 = (await step("--task T1 --title")).json["task"] as Json;
    assert.equal(t1["default_to"], "foundation-worker");
    assert.equal(t1["status"], "ready");
    const t2 = (await step("--task T2 --title")).json["task"] as Json;
    assert.deepEqual(t2["acceptance"], { kind: "analysis" });
    assert.equal(t2["default_to"], "qa-worker");
    const dep = (await step("dep add")).json;
    assert.deepEqual((dep["task"] as Json)["depends_on"], ["T1"]);
    assert.equal((dep["task"] as Json)["status"], "pending");
    const ready = (await step("ready")).json["tasks"] as Json[];
    assert.deepEqual(ready.map((t) => t["id"]), ["T1"]);

    // dispatch T1 (code) > t1-dispatch.json, then its brief
    const d1Run = await step("--task T1 --execution-mode code");
    assert.equal(d1Run.stdout, "");
    const d1 = await readJson("t1-dispatch.json");
    assert.equal(d1["ok"], true);
    const a1 = d1["attempt"] as Json;
    assert.equal(typeof a1["thread_id"], "number");
    assert.equal(a1["assigned_to"], "foundation-worker");
    assert.equal(a1["execution_mode"], "code");
    assert.equal(a1["n"], 1);
    const wt1 = await attemptPath(join(repo, ".orch/worktrees"), db, RUN, "T1");
    assert.equal(a1["worktree_path"], wt1);
    assert.equal(a1["branch_name"], await attemptBranch(db, RUN, "T1"));
    assert.equal(a1["base_ref"], "main");
    assert.equal(a1["base_commit"], mainCommit);
    assert.equal(a1["repo_path"], repo);
    assert.equal(a1["workspace_status"], "active");
    assert.equal(
      (d1["message"] as Json)["body"],
      "Create the app skeleton and wire the database.\n",
    );
    assert.equal(((d1["message"] as Json)["payload"] as Json)["worktree_path"], wt1);
    assert.equal((await git(wt1, "rev-parse", "HEAD")).trim(), mainCommit);
    assert.equal(
      (await git(wt1, "branch", "--show-current")).trim(),
      await attemptBranch(db, RUN, "T1"),
    );
    const thread1 = Number(a1["thread_id"]);

    await step("--dispatch-json /tmp/t1-dispatch.json".replace("/tmp/", `${out}/`));
    const brief1 = await Deno.readTextFile(join(out, "t1-worker-brief.txt"));
    assert.match(brief1, /foundation-worker/);
    // One command per line, with the database as an absolute path (the worker cds into its worktree).
    assert.match(
      brief1,
      new RegExp(
        `\n\\s*inbox --db ${db} --json claim --agent foundation-worker --thread ${thread1}\n`,
      ),
    );
    assert.ok(brief1.includes(`cd ${wt1}`), "the code brief names the worktree");

    // The worker does T1: claim, progress, a commit in its worktree, done.
    const w1 = ["--agent", "foundation-worker", "--thread", String(thread1)];
    await ok(inbox(db, "claim", ...w1));
    await ok(inbox(db, "update", ...w1, "--progress", "50", "--body", "skeleton in place"));
    await Deno.writeTextFile(join(wt1, "app.ts"), "export const app = 1;\n");
    await git(wt1, "add", "app.ts");
    await git(wt1, "commit", "-q", "-m", "skeleton");
    await ok(inbox(db, "done", ...w1, "--body", "Skeleton committed"));

    // dispatch T2 (analysis): T1 is done, so T2 is ready without an explicit reconcile.
    await step("--task T2 --execution-mode analysis");
    const d2 = await readJson("t2-dispatch.json");
    const a2 = d2["attempt"] as Json;
    assert.equal(a2["assigned_to"], "qa-worker");
    assert.equal(a2["execution_mode"], "analysis");
    assert.equal(a2["worktree_path"], null);
    assert.equal(a2["branch_name"], null);
    assert.equal(
      (d2["message"] as Json)["body"],
      "Read the failing test logs and summarize the root cause.",
    );
    assert.deepEqual((d2["task"] as Json)["acceptance"], { kind: "analysis" });
    const thread2 = Number(a2["thread_id"]);
    assert.notEqual(thread2, thread1);

    await step("--dispatch-json /tmp/t2-dispatch.json".replace("/tmp/", `${out}/`));
    const brief2 = await Deno.readTextFile(join(out, "t2-worker-brief.txt"));
    assert.ok(brief2.includes(`--agent qa-worker --thread ${thread2}`), brief2);
    assert.doesNotMatch(brief2, /worktree/i);

    // The QA worker claims T2 and asks a question.
    const w2 = ["--agent", "qa-worker", "--thread", String(thread2)];
    await ok(inbox(db, "claim", ...w2));
    await ok(inbox(db, "update", ...w2, "--status", "blocked", "--body", QUESTION));

    // status: run, tasks, latest attempt, latest message
    const status = (await step("status")).json;
    assert.equal((status["run"] as Json)["id"], RUN);
    assert.equal((status["run"] as Json)["status"], "active");
    const tasks = status["tasks"] as Json[];
    assert.deepEqual(tasks.map((t) => [t["id"], t["status"]]), [["T1", "done"], ["T2", "blocked"]]);
    const st1 = tasks[0]!;
    assert.equal((st1["latest_attempt"] as Json)["thread_id"], thread1);
    assert.equal((st1["latest_attempt"] as Json)["status"], "done");
    assert.equal((st1["latest_message"] as Json)["type"], "result");
    assert.equal((st1["latest_message"] as Json)["body"], "Skeleton committed");
    const st2 = tasks[1]!;
    assert.equal((st2["latest_attempt"] as Json)["assigned_to"], "qa-worker");
    assert.equal((st2["latest_message"] as Json)["type"], "question");
    assert.equal((st2["latest_message"] as Json)["body"], QUESTION);
    assert.equal((status["counts"] as Json)["done"], 1);
    assert.equal((status["counts"] as Json)["blocked"], 1);

    // wait: both events are already there, so it returns at once with a cursor.
    const waited = (await step("wait")).json;
    assert.equal(waited["timed_out"], false);
    const events = waited["events"] as Json[];
    assert.deepEqual(events.map((e) => [e["type"], e["task_id"]]), [
      ["task_done", "T1"],
      ["task_blocked", "T2"],
    ]);
    assert.equal((events[1]!["payload"] as Json)["question"], QUESTION);
    assert.equal(waited["next_after_event"], events[1]!["id"]);

    // blocked: the question
    const blocked = (await step("blocked")).json["blocked"] as Json[];
    assert.equal(blocked.length, 1);
    assert.equal((blocked[0]!["task"] as Json)["id"], "T2");
    assert.equal((blocked[0]!["question"] as Json)["body"], QUESTION);
    assert.equal((blocked[0]!["attempt"] as Json)["thread_id"], thread2);

    // answer reaches the worker, who is already waiting for it.
    const waiter = spawnCli("inbox", [
      "--db",
      db,
      "--json",
      "wait-reply",
      ...w2,
      "--timeout-seconds",
      "60",
    ]);
    try {
      await until(() => hasFileOpen(waiter.child.pid, db), { what: "wait-reply to open the db" });
      const answered = (await step("answer")).json;
      assert.equal((answered["task"] as Json)["status"], "in_progress");
      assert.equal((answered["message"] as Json)["body"], "MVP supports draft and published only.");
      const got = await waiter.child.output();
      assert.equal(got.code, 0);
      const reply = JSON.parse(new TextDecoder().decode(got.stdout)) as Json;
      assert.equal(reply["timed_out"], false);
      assert.equal((reply["message"] as Json)["body"], "MVP supports draft and published only.");
      assert.equal((reply["message"] as Json)["from_agent"], "orch");
    } finally {
      waiter.killIfRunning("SIGTERM");
      await waiter.child.status;
    }

    // T7a: added, dispatched, failed by its worker; then the seed's retry.
    const orchSh = (args: string) => _sh(repo, `./assets/orch --db ./coord.db --json ${args}`);
    assert.equal(
      (await orchSh(
        `task add --run ${RUN} --task T7a --title "API contract" --default-to api-worker`,
      )).json.ok,
      true,
    );
    const d7 = (await orchSh(
      `dispatch --run ${RUN} --task T7a --execution-mode analysis --body "Check the API contract"`,
    )).json;
    const thread7 = Number((d7["attempt"] as Json)["thread_id"]);
    const w7 = ["--agent", "api-worker", "--thread", String(thread7)];
    await ok(inbox(db, "claim", ...w7));
    await ok(inbox(db, "fail", ...w7, "--reason", "The contract does not match the schema"));

    const retried = (await step("retry")).json;
    const a7 = retried["attempt"] as Json;
    assert.equal(a7["n"], 2);
    assert.equal(a7["assigned_to"], "backend-worker");
    assert.notEqual(a7["thread_id"], thread7);
    assert.equal(a7["status"], "dispatched");
    assert.equal((retried["message"] as Json)["body"], "Retry after fixing the contract mismatch.");
    assert.equal((retried["task"] as Json)["status"], "dispatched");

    // Workers finish T2 and the retried T7a.
    await ok(inbox(db, "done", ...w2, "--body", "Root cause: shared fixture"));
    const w7b = ["--agent", "backend-worker", "--thread", String(a7["thread_id"])];
    await ok(inbox(db, "claim", ...w7b));
    await ok(inbox(db, "done", ...w7b, "--body", "Contract fixed"));

    // cleanup --all-completed: T1's worktree goes, its branch (with the commit) stays.
    const cleaned = (await step("cleanup")).json["cleaned"] as Json[];
    assert.deepEqual(cleaned.map((a) => [a["task_id"], a["n"], a["workspace_status"]]), [
      ["T1", 1, "cleaned"],
    ]);
    assert.equal(cleaned[0]!["worktree_path"], wt1);
    assert.equal(await exists(wt1), false);
    assert.match(
      await git(repo, "log", "-1", "--format=%s", await attemptBranch(db, RUN, "T1")),
      /skeleton/,
    );
    assert.equal(next, TYPICAL_COMMANDS.length, "every seed line ran");

    const final = (await orchSh(`status --run ${RUN}`)).json;
    assert.equal((final["run"] as Json)["status"], "completed");
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});
