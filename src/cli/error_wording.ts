import { AppError, type ErrorDetails } from "../protocol/errors.ts";
import { TOKEN_ENV } from "./token_env.ts";

type Program = "inbox" | "orch";
type Wording = (details: ErrorDetails, program: Program) => string;

/**
 * The CLI's wording of the errors lower layers raise about something a flag
 * sets. The store and git layers know no flag names: they throw a stable
 * code with `details.reason` (and the values the message needs), and this
 * table words them for the person at the command line.
 */
const WORDING: ReadonlyMap<string, Wording> = new Map<string, Wording>([
  [
    "base_ref_not_code",
    (d) => `--base-ref applies to code tasks only: "${d["task_id"]}" is an analysis task`,
  ],
  ["no_default_worker", (d) => `Task "${d["task_id"]}" has no default worker: pass --to AGENT`],
  [
    "nothing_to_update",
    () => "Nothing to update: pass --body, --body-file, --progress or --status",
  ],
  ["question_missing", () => "A blocked update needs the question: pass --body or --body-file"],
  [
    "not_claimed",
    (d) =>
      `Thread ${d["thread_id"]} is not claimed: claim it first with "inbox claim --thread ${
        d["thread_id"]
      }"`,
  ],
  [
    "token_missing",
    (_d, program) => `This database requires a token: pass --token or set ${TOKEN_ENV[program]}`,
  ],
  [
    "repo_dirty",
    (d) => `Repository "${d["repo"]}" has uncommitted changes: commit them or pass --base-ref`,
  ],
  [
    "repo_empty",
    (d) => `Repository "${d["repo"]}" has no commits: commit something or pass --base-ref`,
  ],
  [
    "worktree_dirty",
    (d) => `Worktree "${d["path"]}" has uncommitted changes: commit them or pass --force`,
  ],
]);

/** `err` with the CLI's wording when its `details.reason` has one, else `err` itself. */
export function wordError(err: AppError, program: Program): AppError {
  const reason = err.details["reason"];
  const word = typeof reason === "string" ? WORDING.get(reason) : undefined;
  return word ? new AppError(err.code, word(err.details, program), err.details) : err;
}
