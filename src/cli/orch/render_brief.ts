import template from "../../../skills/orch/references/worker-brief-template.md" with {
  type: "text",
};
import { resolve } from "../../path.ts";
import { AppError } from "../../protocol/errors.ts";
import { jsonDepth, MAX_JSON_DEPTH } from "../../protocol/json_bounds.ts";
import { shQuote } from "../sh_quote.ts";

/** How many hex digits of a commit id the brief shows. */
const _SHORT_COMMIT = 12;

/** The attempt fields the brief uses (from `dispatch` or `council start` output). */
export interface BriefAttempt {
  id: number;
  run_id: string;
  task_id: string;
  n: number;
  assigned_to: string;
  thread_id: number;
  execution_mode: "analysis" | "code";
  worktree_path?: string | null | undefined;
  branch_name?: string | null | undefined;
  base_ref?: string | null | undefined;
  base_commit?: string | null | undefined;
  start_commit?: string | null | undefined;
}

/** Everything a brief is rendered from. */
export interface BriefInput {
  attempt: BriefAttempt;
  task: { title: string; summary: string; acceptance?: unknown };
  /** The task message's body (what the worker is asked to do). */
  body: string;
  /** Strict mode: the worker's capability token. */
  token?: string | undefined;
  /** The task message's payload (the dependencies' work a stacked branch holds). */
  payload?: unknown;
}

/** What `--dispatch-json` held: one dispatch, or a council start with an attempt per reviewer. */
export type BriefSource =
  | { kind: "dispatch"; input: BriefInput }
  | {
    kind: "council";
    attempts: BriefAttempt[];
    tokens: { reviewer: string; token: string }[];
  };

/**
 * Parses the saved output of `orch --json dispatch` (also `retry`,
 * `reassign`) or of `orch --json council start`.
 */
export async function parseBriefSource(text: string): Promise<BriefSource> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new AppError(
      "INVALID_JSON",
      `--dispatch-json is not valid JSON: ${(err as Error).message}`,
    );
  }
  // The envelope adds a few levels around the payloads, each bounded to MAX_JSON_DEPTH.
  if (jsonDepth(value, 2 * MAX_JSON_DEPTH) > 2 * MAX_JSON_DEPTH) {
    throw new AppError(
      "INVALID_INPUT",
      `--dispatch-json is nested more than ${2 * MAX_JSON_DEPTH} levels deep`,
      { flag: "--dispatch-json", limit: 2 * MAX_JSON_DEPTH },
    );
  }
  const { CouncilStartOutputSchema, DispatchOutputSchema } = await import(
    "../../protocol/schemas.ts"
  );
  const council = CouncilStartOutputSchema.safeParse(value);
  if (council.success) {
    return { kind: "council", attempts: council.data.attempts, tokens: council.data.tokens ?? [] };
  }
  const parsed = DispatchOutputSchema.safeParse(value);
  if (!parsed.success) {
    throw new AppError(
      "INVALID_INPUT",
      `--dispatch-json is not the output of "orch --json dispatch" or "orch --json council start": ${
        parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")
      }`,
    );
  }
  return {
    kind: "dispatch",
    input: {
      attempt: parsed.data.attempt,
      task: parsed.data.task,
      body: parsed.data.message?.body ?? "",
      token: parsed.data.token,
      payload: parsed.data.message?.payload,
    },
  };
}

/**
 * Renders the worker brief from the template in
 * skills/orch/references/worker-brief-template.md: `{{name}}` placeholders,
 * and `{{#code}}...{{/code}}` / `{{#analysis}}...{{/analysis}}` sections
 * kept only for that execution mode; `{{name_sh}}` is the value quoted as
 * one POSIX shell word, for command lines. Same input, same text.
 */
export function renderBrief(
  input: BriefInput,
  options: { db: string; inboxCmd: string; remote?: string | undefined },
): { text: string; threadId: number; agent: string } {
  const { attempt, task } = input;
  const vars: Record<string, string> = {
    agent: attempt.assigned_to,
    // Absolute: a code worker runs its commands from inside its worktree.
    db: resolve(options.db),
    inbox: options.inboxCmd,
    thread_id: String(attempt.thread_id),
    run_id: attempt.run_id,
    task_id: attempt.task_id,
    attempt_id: String(attempt.id),
    attempt_n: String(attempt.n),
    execution_mode: attempt.execution_mode,
    title: task.title,
    summary: task.summary,
    acceptance: task.acceptance == null ? "none given" : JSON.stringify(task.acceptance),
    body: input.body.trim().replace(/^/gm, "> ") || "> (none)",
    worktree_path: attempt.worktree_path ?? "",
    branch_name: attempt.branch_name ?? "",
    base_ref: attempt.base_ref ?? "",
    base_commit: attempt.base_commit ?? "",
    start_commit: attempt.start_commit ?? attempt.base_commit ?? "",
    remote: options.remote ?? "",
    // A worker on another host makes its own worktree of the branch, next to its clone.
    remote_worktree: `../${attempt.task_id}-attempt-${attempt.n}`,
    dependencies: _dependencies(input.payload),
    view: _view(input.payload),
    merge_conflicts: _conflicts(input.payload),
  };
  // Command lines get every value as one POSIX shell word: paths may hold
  // spaces, quotes or `$`.
  vars["fetch_refspec"] = `refs/heads/${vars["branch_name"]}:refs/heads/${vars["branch_name"]}`;
  for (
    const name of [
      "agent",
      "db",
      "inbox",
      "worktree_path",
      "remote",
      "remote_worktree",
      "branch_name",
      "start_commit",
      "fetch_refspec",
    ]
  ) {
    vars[`${name}_sh`] = shQuote(vars[name]!);
  }
  // Strict mode: every command carries the worker's token in its environment
  // (not in argv, which other local users can see).
  vars["token_env"] = input.token ? `INBOX_TOKEN=${shQuote(input.token)} ` : "";
  const text = template
    .replace(
      /\{\{#(code|analysis)\}\}([\s\S]*?)\{\{\/\1\}\}/g,
      (_, mode: string, inner: string) => mode === attempt.execution_mode ? inner : "",
    )
    // Where a code worker works: the leader's worktree, or (with a remote) its own host.
    .replace(
      /\{\{#(local|remote)\}\}([\s\S]*?)\{\{\/\1\}\}/g,
      (_, where: string, inner: string) =>
        (where === "remote") === (options.remote !== undefined) ? inner : "",
    )
    .replace(/\{\{(\w+)\}\}/g, (m, name: string) => vars[name] ?? m);
  return { text, threadId: attempt.thread_id, agent: attempt.assigned_to };
}

/** The dependencies' work the branch starts with (stacked dispatch), as brief text. */
function _dependencies(payload: unknown): string {
  const deps = _field(payload, "included_deps");
  if (!Array.isArray(deps) || deps.length === 0) return "";
  const lines = deps.map((d: unknown) => {
    const f = (name: string) => String(_field(d, name) ?? "");
    const summary = f("summary").split("\n")[0]!.trim();
    return `- Task \`${f("task_id")}\` (branch \`${f("branch_name")}\`, commit \`${
      f("head_commit").slice(0, _SHORT_COMMIT)
    }\`)${summary ? `: ${summary}` : ""}`;
  });
  return `Your branch already holds the work of the tasks this one depends on, merged in this order:\n\n${
    lines.join("\n")
  }\n\n`;
}

/** An analysis task's read-only view of the repository and its dependencies' work, as brief text. */
function _view(payload: unknown): string {
  const repo = _field(payload, "repo_path");
  const ref = _field(payload, "view_ref");
  if (typeof repo !== "string" || typeof ref !== "string") return "";
  const commit = String(_field(payload, "view_commit") ?? "");
  const base = String(_field(payload, "base_commit") ?? "");
  const deps = _dependencies(payload).replace(
    "Your branch already holds the work of the tasks this one depends on",
    "It holds the work of the tasks this one depends on",
  );
  const sh = (v: string) => shQuote(v);
  return `The repository is \`${repo}\`. What to read is kept, read-only, under the ref \`${ref}\` (commit \`${
    commit.slice(0, _SHORT_COMMIT)
  }\`): its HEAD \`${
    base.slice(0, _SHORT_COMMIT)
  }\` merged with the work of the tasks this one depends on. Read it without checking anything out, e.g. \`git -C ${
    sh(repo)
  } show ${sh(`${ref}:PATH`)}\`, \`git -C ${sh(repo)} ls-tree -r --name-only ${
    sh(ref)
  }\`, \`git -C ${sh(repo)} diff ${sh(base)} ${sh(ref)}\`.\n\n${deps}`;
}

/** A merge left in progress in the worktree (retry after a merge conflict), as brief text. */
function _conflicts(payload: unknown): string {
  const paths = _field(payload, "merge_conflicts");
  if (!Array.isArray(paths) || paths.length === 0) return "";
  return `A merge is in progress in your worktree: this task's earlier work conflicted with the merge target. Resolve the conflicts in ${
    paths.map((p) => `\`${String(p)}\``).join(", ")
  }, \`git add\` them and \`git commit\` before anything else.\n\n`;
}

function _field(value: unknown, name: string): unknown {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)[name]
    : undefined;
}
