import template from "../../../skills/orch/references/worker-brief-template.md" with {
  type: "text",
};
import { resolve } from "node:path";
import { AppError } from "../../protocol/errors.ts";
import { jsonDepth, MAX_JSON_DEPTH } from "../../protocol/json_bounds.ts";
import { shQuote } from "../sh_quote.ts";

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
}

/** Everything a brief is rendered from. */
export interface BriefInput {
  attempt: BriefAttempt;
  task: { title: string; summary: string; acceptance?: unknown };
  /** The task message's body (what the worker is asked to do). */
  body: string;
  /** Strict mode: the worker's capability token. */
  token?: string | undefined;
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
  options: { db: string; inboxCmd: string },
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
  };
  // Command lines get every value as one POSIX shell word: paths may hold
  // spaces, quotes or `$`.
  for (const name of ["agent", "db", "inbox", "worktree_path"]) {
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
    .replace(/\{\{(\w+)\}\}/g, (m, name: string) => vars[name] ?? m);
  return { text, threadId: attempt.thread_id, agent: attempt.assigned_to };
}
