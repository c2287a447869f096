import template from "../../../skills/orch/references/worker-brief-template.md" with {
  type: "text",
};
import { resolve } from "node:path";
import { AppError } from "../../protocol/errors.ts";
import { jsonDepth, MAX_JSON_DEPTH } from "../../protocol/json_bounds.ts";
import { shQuote } from "../sh_quote.ts";

/**
 * Renders the worker brief from a saved `dispatch --json` output and the
 * template in skills/orch/references/worker-brief-template.md: `{{name}}`
 * placeholders, and `{{#code}}...{{/code}}` / `{{#analysis}}...{{/analysis}}`
 * sections kept only for that execution mode; `{{name_sh}}` is the value
 * quoted as one POSIX shell word, for command lines. Same input, same text.
 */
export async function renderBrief(
  dispatchJson: string,
  options: { db: string | undefined; inboxCmd: string },
): Promise<{ text: string; threadId: number; agent: string }> {
  if (!options.db) {
    throw new AppError("USAGE", "Missing --db: the brief tells the worker which database to use");
  }
  let value: unknown;
  try {
    value = JSON.parse(dispatchJson);
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
  const { DispatchOutputSchema } = await import("../../protocol/schemas.ts");
  const parsed = DispatchOutputSchema.safeParse(value);
  if (!parsed.success) {
    throw new AppError(
      "INVALID_INPUT",
      `--dispatch-json is not the output of "orch --json dispatch": ${
        parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")
      }`,
    );
  }
  const { attempt, task } = parsed.data;
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
    body: (parsed.data.message?.body ?? "").trim().replace(/^/gm, "> ") || "> (none)",
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
  const token = parsed.data.token;
  vars["token_env"] = token ? `INBOX_TOKEN=${shQuote(token)} ` : "";
  const text = template
    .replace(
      /\{\{#(code|analysis)\}\}([\s\S]*?)\{\{\/\1\}\}/g,
      (_, mode: string, inner: string) => mode === attempt.execution_mode ? inner : "",
    )
    .replace(/\{\{(\w+)\}\}/g, (m, name: string) => vars[name] ?? m);
  return { text, threadId: attempt.thread_id, agent: attempt.assigned_to };
}
