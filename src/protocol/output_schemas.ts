/**
 * zod schemas of the JSON output contracts of `inbox` and `orch`: the
 * envelope, the entities, and each command's success output with `--json`.
 *
 * `scripts/gen_schemas.ts` turns them into `docs/schemas/*.schema.json`, and
 * `tests/schemas_test.ts` parses real CLI output with them, so the published
 * contracts cannot drift from the binaries. The schemas describe exactly
 * what this version prints (objects are strict); programs reading the output
 * should still ignore fields they do not know, since later versions may add
 * some.
 *
 * No command imports this module: zod costs ~10 ms to load, and read paths
 * stay free of it. The enum value lists below repeat the store's constants
 * (protocol sits below the store and must not import it);
 * tests/schemas_test.ts checks that they agree.
 *
 * @module
 */

import { z } from "zod";
import {
  EXECUTION_MODES,
  MESSAGE_TYPES,
  ORCH_EVENT_TYPES,
  RUN_STATUSES,
  TASK_STATUSES,
  THREAD_KINDS,
  THREAD_STATUSES,
} from "./enums.ts";
import { ERROR_CODES, type ErrorCode } from "./errors.ts";

// ---- scalars -----------------------------------------------------------------

/** ISO-8601 UTC with milliseconds, as `Date.prototype.toISOString()` writes it. */
export const TimestampSchema = z.iso.datetime({ precision: 3 }).meta({
  id: "Timestamp",
  description: "ISO-8601 UTC with milliseconds, e.g. 2026-01-31T09:30:00.000Z",
});

const _Id = z.int().min(1);
const _Count = z.int().min(0);
const _NAME = /^[A-Za-z0-9][A-Za-z0-9._@:+-]{0,127}$/;

/** An agent name: letters, digits and `._@:+-`, starting with a letter or digit, <= 128 chars. */
export const AgentNameSchema = z.string().regex(_NAME).meta({
  id: "AgentName",
  description: "Agent name: letters, digits and ._@:+- (starts with a letter or digit), <= 128",
});

/** A run or task id (same alphabet as agent names). */
export const RunTaskIdSchema = z.string().regex(_NAME).meta({
  id: "RunTaskId",
  description: "Run or task id: letters, digits and ._@:+- (starts with a letter or digit)",
});

/** A JSON object (payloads, acceptance criteria, event payloads, error details). */
const _JsonObject = z.record(z.string(), z.unknown());

const _Sha256 = z.string().regex(/^[0-9a-f]{64}$/).describe("Lowercase hex sha256");

// ---- enums (built from src/protocol/enums.ts, as the store's types are) ----

export const ThreadKindSchema = z.enum(THREAD_KINDS);

export const ThreadStatusSchema = z.enum(THREAD_STATUSES);

export const MessageTypeSchema = z.enum(MESSAGE_TYPES);

export const RunStatusSchema = z.enum(RUN_STATUSES);

export const RunKindSchema = z.enum(["run", "council"]);

/** Task status as reported: the stored statuses plus the derived `ready`. */
export const TaskStatusSchema = z.enum(["pending", "ready", ...TASK_STATUSES.slice(1)]);

export const AttemptStatusSchema = z.enum(TASK_STATUSES.slice(1) as [
  Exclude<typeof TASK_STATUSES[number], "pending">,
  ...Exclude<typeof TASK_STATUSES[number], "pending">[],
]);

export const ExecutionModeSchema = z.enum(EXECUTION_MODES);

export const WorkspaceStatusSchema = z.enum(["active", "cleaned", "missing"]);

/** Every event type orch writes (and `orch wait --for` accepts). */
export const OrchEventTypeSchema = z.enum(ORCH_EVENT_TYPES);

export const ReviewerStatusSchema = z.enum(["done", "failed", "pending", "cancelled"]);

export const SeveritySchema = z.enum(["low", "medium", "high", "critical"]);

/** Every error code (the keys of `ERROR_CODES` in src/protocol/errors.ts). */
export const ErrorCodeSchema = z.enum(
  Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]],
).meta({
  id: "ErrorCode",
  description: "Stable error code; docs/protocol.md maps it to an exit status",
});

// ---- envelope ----------------------------------------------------------------

/** `{"ok": false, "error": {code, message, details}}`, on stdout with a non-zero exit status. */
export const ErrorEnvelopeSchema = z.strictObject({
  ok: z.literal(false),
  error: z.strictObject({
    code: ErrorCodeSchema,
    message: z.string().min(1).describe("For people: what went wrong and what to do"),
    details: _JsonObject.describe("For programs: the ids and values involved (may be empty)"),
  }),
}).meta({
  id: "ErrorEnvelope",
  description: "Failure with --json: printed on stdout, exit status from the error code",
});

/** `{"ok": true, ...entities}`: any success, before looking at the command's own fields. */
export const OkEnvelopeSchema = z.looseObject({ ok: z.literal(true) }).meta({
  id: "OkEnvelope",
  description: "Success with --json: the command's entities at top level, exit status 0",
});

/** What every `--json` command prints on stdout (one object; `inbox watch` prints lines). */
export const EnvelopeSchema = z.discriminatedUnion("ok", [OkEnvelopeSchema, ErrorEnvelopeSchema])
  .describe("Every --json command prints exactly one of these on stdout");

// ---- inbox entities ----------------------------------------------------------

export const ArtifactMetaSchema = z.strictObject({
  id: _Id,
  thread_id: _Id,
  message_id: _Id,
  name: z.string().min(1).describe("File name the artifact was attached as"),
  media_type: z.string().min(1),
  size: _Count.describe("Bytes"),
  sha256: _Sha256,
  created_at: TimestampSchema,
}).meta({ id: "ArtifactMeta", description: "An artifact's metadata (the bytes: artifact get)" });

export const ThreadSchema = z.strictObject({
  id: _Id,
  kind: ThreadKindSchema,
  from_agent: AgentNameSchema,
  to_agent: AgentNameSchema,
  subject: z.string(),
  status: ThreadStatusSchema,
  claimed_by: AgentNameSchema.nullable().describe("Current or last lease holder"),
  lease_expires_at: TimestampSchema.nullable().describe("Null when no lease is live or final"),
  lease_epoch: _Count.describe("Incremented by every claim of a new holder (fencing token)"),
  progress: z.int().min(0).max(100).nullable(),
  result_contract: z.string().nullable().describe(
    'Contract `inbox done` enforces on the result, e.g. "council-review/v1"',
  ),
  run_id: RunTaskIdSchema.nullable(),
  task_id: RunTaskIdSchema.nullable(),
  attempt_id: _Id.nullable(),
  created_at: TimestampSchema,
  updated_at: TimestampSchema,
}).meta({ id: "Thread", description: "An inbox thread" });

const _messageShape = {
  id: _Id.describe("Monotonic across the database: usable as a cursor"),
  thread_id: _Id,
  from_agent: AgentNameSchema,
  to_agent: AgentNameSchema,
  type: MessageTypeSchema,
  body: z.string(),
  payload: _JsonObject.nullable().describe("The --payload-json object, or null"),
  ts: TimestampSchema,
  artifacts: z.array(ArtifactMetaSchema).min(1).optional().describe(
    "Present when the message carries artifacts (send, done, fail, show)",
  ),
};

export const MessageSchema = z.strictObject(_messageShape).meta({
  id: "Message",
  description: "A message in a thread",
});

/** A message as `fetch` and `watch` return it: with its thread's subject and status. */
export const FetchedMessageSchema = z.strictObject({
  ..._messageShape,
  thread_subject: z.string(),
  thread_status: ThreadStatusSchema,
}).meta({
  id: "FetchedMessage",
  description: "A message as fetch and watch return it, with its thread's subject and status",
});

// ---- orch entities -----------------------------------------------------------

export const EventSchema = z.strictObject({
  id: _Id.describe("The cursor: strictly increasing"),
  ts: TimestampSchema,
  run_id: RunTaskIdSchema.nullable(),
  task_id: RunTaskIdSchema.nullable(),
  thread_id: _Id.nullable(),
  type: z.string().min(1),
  payload: _JsonObject,
}).meta({ id: "Event", description: "One row of the shared events log" });

/** An event of a run as `orch reconcile` and `orch wait` return it. */
export const OrchEventSchema = z.strictObject({
  id: _Id.describe("The cursor: pass the last one as --after-event"),
  ts: TimestampSchema,
  run_id: RunTaskIdSchema,
  task_id: RunTaskIdSchema.nullable(),
  thread_id: _Id.nullable(),
  type: OrchEventTypeSchema,
  payload: _JsonObject,
}).meta({ id: "OrchEvent", description: "A run event written by orch" });

export const RunSchema = z.strictObject({
  id: RunTaskIdSchema,
  goal: z.string(),
  summary: z.string(),
  status: RunStatusSchema,
  kind: RunKindSchema,
  meta: _JsonObject.nullable().describe("Council runs: {topic, reviewers}"),
  created_at: TimestampSchema,
  updated_at: TimestampSchema,
}).meta({ id: "Run", description: "An orchestration run" });

export const TaskSchema = z.strictObject({
  run_id: RunTaskIdSchema,
  id: RunTaskIdSchema,
  title: z.string(),
  summary: z.string(),
  default_to: AgentNameSchema.nullable(),
  execution_mode: ExecutionModeSchema.nullable().describe(
    "The mode from task add --execution-mode, used by dispatch when not given one; null: none",
  ),
  acceptance: _JsonObject.nullable().describe("The --acceptance-json object, or null"),
  status: TaskStatusSchema,
  depends_on: z.array(RunTaskIdSchema).describe("Ids of the tasks it waits for"),
  created_at: TimestampSchema,
  updated_at: TimestampSchema,
}).meta({ id: "Task", description: "A task; `ready` = pending with every dependency done" });

const _Commit = z.string().regex(/^[0-9a-f]{40,64}$/);

export const AttentionReasonSchema = z.enum([
  "UNCOMMITTED_CHANGES",
  "NO_COMMITS",
  "WRONG_BRANCH",
  "BRANCH_MISSING",
  "WORKSPACE_TAMPERED",
]);

export const AttemptResultSchema = z.strictObject({
  status: z.enum(["accepted", "no_changes", "needs_attention"]).describe(
    "accepted: clean, commits past the start; no_changes: clean, none, and the worker said so",
  ),
  reason: AttentionReasonSchema.nullable().describe("Why it needs attention"),
  head_commit: _Commit.nullable().describe("The branch's head when verified"),
  commits_ahead: _Count.nullable(),
  files_changed: _Count.nullable(),
  verified_at: TimestampSchema,
}).meta({ id: "AttemptResult", description: "How reconcile judged a done code attempt" });

export const AttemptMergeSchema = z.strictObject({
  status: z.enum(["merged", "merge_conflict", "check_failed", "dependency_left_out"]),
  commit: _Commit.nullable().describe("The commit on the target holding the work (merged)"),
  into: z.string().describe("The target branch"),
  detail: _JsonObject.nullable().describe("Conflicting paths, check output tail, or dependency"),
  at: TimestampSchema,
}).meta({ id: "AttemptMerge", description: "What orch merge did with an attempt's result" });

export const IncludedDepSchema = z.strictObject({
  task_id: RunTaskIdSchema,
  attempt_id: _Id,
  branch_name: z.string().nullable(),
  head_commit: _Commit,
}).meta({ id: "IncludedDep", description: "A dependency commit a stacked branch includes" });

export const AttemptSchema = z.strictObject({
  id: _Id,
  run_id: RunTaskIdSchema,
  task_id: RunTaskIdSchema,
  n: z.int().min(1).describe("1 for the first attempt of the task, then 2, 3, ..."),
  assigned_to: AgentNameSchema,
  thread_id: _Id.describe("The inbox thread the worker claims"),
  execution_mode: ExecutionModeSchema,
  status: AttemptStatusSchema,
  stale: z.boolean().describe("The worker's lease ran out while the attempt was live"),
  stale_at: TimestampSchema.nullable(),
  holder: AgentNameSchema.nullable().describe(
    "The agent holding (or that last held) the thread's lease; differs from assigned_to after a takeover; null until claimed",
  ),
  progress: z.int().min(0).max(100).nullable().describe(
    "The progress the worker last reported; null when none",
  ),
  lease_expires_at: TimestampSchema.nullable().describe(
    "When the thread's lease runs out; null until claimed",
  ),
  repo_path: z.string().nullable().describe("Code mode only, like the fields below"),
  base_ref: z.string().nullable(),
  base_commit: z.string().regex(/^[0-9a-f]{40,64}$/).nullable(),
  branch_name: z.string().nullable(),
  worktree_path: z.string().nullable(),
  workspace_status: WorkspaceStatusSchema.nullable(),
  start_commit: _Commit.nullable().describe(
    "Code mode: where the branch started (base_commit, or the base merged with its dependencies)",
  ),
  included_deps: z.array(IncludedDepSchema).describe(
    "Code mode: the done dependencies' commits the branch was stacked on",
  ),
  result: AttemptResultSchema.nullable().describe(
    "Code mode: what reconcile found after the worker's done; null until then",
  ),
  merge: AttemptMergeSchema.nullable().describe(
    "Code mode: what orch merge did with the result; null until then",
  ),
  created_at: TimestampSchema,
  updated_at: TimestampSchema,
}).meta({ id: "Attempt", description: "One dispatch of a task to a worker" });

export const TaskCountsSchema = z.strictObject({
  pending: _Count,
  dispatched: _Count,
  in_progress: _Count,
  blocked: _Count,
  verifying: _Count,
  done: _Count,
  failed: _Count,
  cancelled: _Count,
  ready: _Count,
  total: _Count,
}).meta({ id: "TaskCounts", description: "Tasks of a run by status (pending excludes ready)" });

export const TaskViewSchema = z.strictObject({
  ...TaskSchema.shape,
  latest_attempt: AttemptSchema.nullable(),
  latest_message: MessageSchema.nullable().describe("Latest message of the latest attempt"),
}).meta({ id: "TaskView", description: "A task with its latest attempt and message (status)" });

// ---- council entities --------------------------------------------------------

export const ReviewerSummarySchema = z.strictObject({
  reviewer: AgentNameSchema,
  task_id: RunTaskIdSchema,
  status: ReviewerStatusSchema,
  thread_id: _Id.nullable(),
  error: z.string().optional().describe("Failure or cancel reason, when there is one"),
}).meta({ id: "ReviewerSummary", description: "One council reviewer's state" });

const _GroupMemberSchema = z.strictObject({
  reviewer: AgentNameSchema,
  title: z.string(),
  summary: z.string(),
  rationale: z.string(),
  key: z.string().optional(),
  severity: SeveritySchema.optional(),
  priority: z.int().min(1).max(5).optional(),
});

export const TallyGroupSchema = z.strictObject({
  id: z.string().regex(/^g[1-9][0-9]*$/),
  key: z.string().min(1),
  key_source: z.enum(["reviewer", "generated", "split"]).describe(
    "reviewer: a reviewer's key; generated: made by the tally from the title; split: made by a leader's split (the split group's key, a dot, the reviewer). Only reviewer is a reviewer's choice",
  ),
  title: z.string(),
  support: z.int().min(1).describe("Distinct counted reviewers in the group"),
  reviewers: z.array(AgentNameSchema),
  members: z.array(_GroupMemberSchema).min(1),
  max_severity: SeveritySchema.optional(),
  leader_note: z.string().optional().describe("What the leader's merge or split did to this group"),
}).meta({ id: "TallyGroup", description: "Recommendations the tally considers the same idea" });

export const TallySchema = z.strictObject({
  reviewers_total: _Count,
  reviewers_counted: _Count,
  counted_reviewers: z.array(AgentNameSchema),
  not_counted: z.array(z.strictObject({
    reviewer: AgentNameSchema,
    status: ReviewerStatusSchema,
    error: z.string().optional(),
  })),
  threshold: z.strictObject({
    similarity: z.number().min(0).max(1),
    majority_min: _Count,
  }),
  adjustments: z.array(z.union([
    z.strictObject({ op: z.literal("merge"), keys: z.array(z.string()), applied: z.boolean() }),
    z.strictObject({ op: z.literal("split"), key: z.string(), applied: z.boolean() }),
  ])).describe("The leader's recorded merges and splits, in order; applied false: no such groups"),
  consensus: z.array(TallyGroupSchema),
  majority: z.array(TallyGroupSchema),
  minority: z.array(TallyGroupSchema),
}).meta({ id: "Tally", description: "Council tally (docs/council.md)" });

// ---- command outputs ---------------------------------------------------------

function _ok<S extends z.core.$ZodLooseShape>(command: string, shape: S) {
  return z.strictObject({ ok: z.literal(true), ...shape }).describe(
    `Success output of \`${command}\``,
  );
}

const _initShape = {
  db: z.string().describe("The database path as given"),
  schema_version: z.int().min(1),
  latest_schema_version: z.int().min(1),
  require_tokens: z.boolean().describe("Strict mode: every write needs a capability token"),
  leader_token: z.string().optional().describe(
    "The leader token, only from the init that made the database strict (shown once)",
  ),
};

/** `inbox init` */
export const InboxInitOutputSchema = _ok("inbox --json init", _initShape);

const _FlagDescriptionSchema = z.strictObject({
  name: z.string().describe("As typed: --kebab-case"),
  type: z.enum(["integer", "number", "string", "boolean", "agent", "id", "id-list", "enum"]),
  min: z.number().optional(),
  max: z.number().optional(),
  values: z.array(z.string()).optional().describe("The allowed values of an enum"),
  brief: z.string(),
  required: z.boolean(),
  repeatable: z.boolean(),
  default: z.string().optional().describe("What the program uses when the flag is not given"),
  env: z.string().optional().describe("The environment variable read when the flag is not given"),
});

const _ArgumentDescriptionSchema = z.strictObject({
  placeholder: z.string().describe("The argument's name in the text help"),
  type: _FlagDescriptionSchema.shape.type,
  min: z.number().optional(),
  max: z.number().optional(),
  brief: z.string(),
  required: z.boolean(),
  repeatable: z.boolean().describe("True when any number of them may follow"),
});

/** `inbox|orch --help --json`, or `--json` with no command: the command surface. */
export const CliSurfaceOutputSchema = _ok("inbox|orch --help --json", {
  program: z.enum(["inbox", "orch"]),
  version: z.string(),
  brief: z.string(),
  global_flags: z.array(_FlagDescriptionSchema),
  commands: z.array(z.strictObject({
    command: z.string().describe('The full command line prefix, like "orch task add"'),
    brief: z.string(),
    arguments: z.array(_ArgumentDescriptionSchema).describe("Positional arguments, in order"),
    flags: z.array(_FlagDescriptionSchema),
  })).describe("Every command, or those under the command path given before --help"),
});

/** `inbox|orch --version --json` */
export const CliVersionOutputSchema = _ok("inbox|orch --version --json", {
  program: z.enum(["inbox", "orch"]),
  version: z.string(),
});

/** `orch init`: the same as `inbox init` */
export const OrchInitOutputSchema = _ok("orch --json init", _initShape);

/** `inbox send` */
export const InboxSendOutputSchema = _ok("inbox --json send", {
  thread: ThreadSchema,
  message: MessageSchema,
  artifacts: z.array(ArtifactMetaSchema),
  replayed: z.boolean().describe("True when the idempotency key returned an earlier send"),
});

/** `inbox fetch` */
export const InboxFetchOutputSchema = _ok("inbox --json fetch", {
  agent: AgentNameSchema,
  messages: z.array(FetchedMessageSchema).describe("Oldest first"),
  cursor: _Count.describe("The agent's read cursor (a message id) after this fetch"),
  peek: z.boolean(),
  all: z.boolean().describe("True with --all: messages in finished threads included"),
  hidden: _Count.describe(
    "Unread messages passed over because their thread is finished and the agent was asked, not asking (0 with --all)",
  ),
});

/** `inbox claim` */
export const InboxClaimOutputSchema = _ok("inbox --json claim", {
  thread: ThreadSchema,
  previous_holder: AgentNameSchema.nullable(),
  reclaimed: z.boolean().describe("True when the caller already held it: lease extended"),
});

/** `inbox renew` */
export const InboxRenewOutputSchema = _ok("inbox --json renew", { thread: ThreadSchema });

/** `inbox update` */
export const InboxUpdateOutputSchema = _ok("inbox --json update", {
  thread: ThreadSchema,
  message: MessageSchema.nullable().describe("Null when only --progress/--status was given"),
});

/** `inbox reply` and `inbox cancel` */
export const InboxThreadMessageOutputSchema = _ok("inbox --json reply|cancel", {
  thread: ThreadSchema,
  message: MessageSchema,
});

/** `inbox done` and `inbox fail` */
export const InboxFinishOutputSchema = _ok("inbox --json done|fail", {
  thread: ThreadSchema,
  message: MessageSchema,
  artifacts: z.array(ArtifactMetaSchema),
});

/** `inbox list` */
export const InboxListOutputSchema = _ok("inbox --json list", {
  threads: z.array(ThreadSchema).describe("Newest first"),
});

/** `inbox show` */
export const InboxShowOutputSchema = _ok("inbox --json show", {
  thread: ThreadSchema,
  messages: z.array(MessageSchema).describe("Oldest first, with artifact metadata"),
});

/** `inbox wait-reply` */
export const InboxWaitReplyOutputSchema = z.discriminatedUnion("timed_out", [
  z.strictObject({
    ok: z.literal(true),
    timed_out: z.literal(false),
    thread: ThreadSchema,
    message: MessageSchema.describe("The first reply or cancel after after_message"),
    after_message: _Count,
  }),
  z.strictObject({
    ok: z.literal(true),
    timed_out: z.literal(true),
    thread: ThreadSchema,
    message: z.null(),
    after_message: _Count,
  }),
]).describe("Success output of `inbox --json wait-reply` (a timeout is a success)");

/** One `inbox search` hit. */
export const SearchHitSchema = z.strictObject({
  kind: z.enum(["thread", "message"]).describe("A subject match or a message body match"),
  thread_id: _Id,
  message_id: _Id.nullable().describe("The matching message; null for a subject match"),
  subject: z.string(),
  thread_status: ThreadStatusSchema,
  run_id: RunTaskIdSchema.nullable(),
  task_id: RunTaskIdSchema.nullable(),
  from_agent: AgentNameSchema,
  to_agent: AgentNameSchema,
  message_type: MessageTypeSchema.nullable().describe("Null for a subject match"),
  ts: TimestampSchema.describe("When the message (or the thread) was written"),
  snippet: z.string().describe("Text around the match, matched words wrapped in **"),
  score: z.number().describe("Relevance (negated bm25): higher is better"),
}).meta({ id: "SearchHit", description: "A full-text search hit" });

/** `inbox search` */
export const InboxSearchOutputSchema = _ok("inbox --json search", {
  query: z.string().describe("The words searched for, as given"),
  hits: z.array(SearchHitSchema).describe("Most relevant first"),
});

/** One NDJSON line of `inbox watch` per message. */
export const InboxWatchMessageLineSchema = z.strictObject({
  type: z.literal("message"),
  message: FetchedMessageSchema,
}).describe("A message line of `inbox --json watch`");

/** The last NDJSON line of `inbox watch`. */
export const InboxWatchEndLineSchema = z.strictObject({
  ok: z.literal(true),
  type: z.literal("end"),
  count: _Count,
  timed_out: z.boolean(),
  cursor: _Count.describe("Last message id seen: pass it as --after-message to resume"),
}).describe("The last line of `inbox --json watch`");

/** Any NDJSON line of `inbox watch` (an error before streaming is an ErrorEnvelope). */
export const InboxWatchLineSchema = z.discriminatedUnion("type", [
  InboxWatchMessageLineSchema,
  InboxWatchEndLineSchema,
]).describe("One line of `inbox --json watch` (NDJSON)");

/** `inbox artifact get` */
export const InboxArtifactGetOutputSchema = z.union([
  z.strictObject({
    ok: z.literal(true),
    artifact: ArtifactMetaSchema,
    content_base64: z.base64().describe("The bytes, base64 (standard alphabet, padded)"),
  }),
  z.strictObject({
    ok: z.literal(true),
    artifact: ArtifactMetaSchema,
    out: z.string().describe("The --out path the bytes were written to"),
  }),
]).describe("Success output of `inbox --json artifact get` (with or without --out)");

/** `orch run init` */
export const OrchRunInitOutputSchema = _ok("orch --json run init", { run: RunSchema });

/** `orch run show` */
export const OrchRunShowOutputSchema = _ok("orch --json run show", {
  run: RunSchema,
  counts: TaskCountsSchema,
  require_tokens: z.boolean().describe("Strict mode: every write needs a capability token"),
});

/** `orch task add` */
export const OrchTaskAddOutputSchema = _ok("orch --json task add", { task: TaskSchema });

/** `orch dep add` */
export const OrchDepAddOutputSchema = _ok("orch --json dep add", {
  task: TaskSchema,
  dep: z.strictObject({
    run_id: RunTaskIdSchema,
    task_id: RunTaskIdSchema,
    depends_on: RunTaskIdSchema,
  }),
  created: z.boolean().describe("False when the dependency already existed"),
});

/** `orch ready` */
export const OrchReadyOutputSchema = _ok("orch --json ready", {
  run_id: RunTaskIdSchema,
  tasks: z.array(TaskSchema).describe("Status ready, in creation order"),
  waiting: z.array(z.strictObject({
    task_id: RunTaskIdSchema,
    waiting_on: z.array(z.strictObject({ task_id: RunTaskIdSchema, status: TaskStatusSchema }))
      .describe("Its dependencies that are not done yet, with their status"),
  })).describe(
    "Only when no task is ready (else empty): each pending task and what it waits for",
  ),
});

/** `orch dispatch`, `orch retry` and `orch reassign` */
export const OrchDispatchOutputSchema = _ok("orch --json dispatch|retry|reassign", {
  run: RunSchema,
  task: TaskSchema,
  attempt: AttemptSchema,
  thread: ThreadSchema,
  message: MessageSchema.describe("The task message; its payload repeats the attempt"),
  replayed: z.boolean().describe("True when the idempotency key returned an earlier dispatch"),
  token: z.string().optional().describe(
    "Strict mode only: the worker's capability token, shown only here (a replay issues a new one)",
  ),
});

/** `orch reconcile` */
export const OrchReconcileOutputSchema = _ok("orch --json reconcile", {
  run_id: RunTaskIdSchema,
  changes: z.array(z.strictObject({
    task_id: RunTaskIdSchema,
    attempt_id: _Id,
    from: TaskStatusSchema,
    to: TaskStatusSchema,
    event_id: _Id,
  })),
  events: z.array(OrchEventSchema).describe("Every event this reconcile wrote"),
});

/** `orch wait` */
export const OrchWaitOutputSchema = z.discriminatedUnion("timed_out", [
  z.strictObject({
    ok: z.literal(true),
    run_id: RunTaskIdSchema,
    timed_out: z.literal(false),
    events: z.array(OrchEventSchema).min(1),
    next_after_event: _Count.describe("Id of the last event: the next --after-event"),
  }),
  z.strictObject({
    ok: z.literal(true),
    run_id: RunTaskIdSchema,
    timed_out: z.literal(true),
    events: z.array(OrchEventSchema).max(0),
    next_after_event: _Count.describe("The --after-event given: wait again from there"),
  }),
]).describe("Success output of `orch --json wait` (a timeout is a success)");

/** `orch blocked` */
export const OrchBlockedOutputSchema = _ok("orch --json blocked", {
  run_id: RunTaskIdSchema,
  blocked: z.array(z.strictObject({
    task: TaskSchema,
    attempt: AttemptSchema,
    question: MessageSchema.nullable().describe("The latest question in the attempt's thread"),
    attention: z.strictObject({
      reason: AttentionReasonSchema,
      message: z.string().describe("What is wrong and the way out, for the leader"),
    }).nullable().describe("A done code attempt that was not accepted (then question is null)"),
  })),
});

/** `orch answer` */
export const OrchAnswerOutputSchema = _ok("orch --json answer", {
  task: TaskSchema,
  attempt: AttemptSchema,
  thread: ThreadSchema,
  message: MessageSchema.describe("The reply orch posted"),
});

/** `orch cancel` */
export const OrchCancelOutputSchema = _ok("orch --json cancel", {
  run: RunSchema,
  cancelled_tasks: z.array(RunTaskIdSchema),
  cancelled_threads: z.array(_Id),
});

/** `orch cleanup` */
export const OrchCleanupOutputSchema = _ok("orch --json cleanup", {
  run_id: RunTaskIdSchema,
  cleaned: z.array(AttemptSchema).describe("workspace_status now cleaned or missing"),
  refused: z.array(z.strictObject({
    attempt: AttemptSchema,
    code: ErrorCodeSchema.describe("WORKTREE_DIRTY or WORKSPACE_TAMPERED"),
    reason: z.string(),
  })),
  removed_integration_worktrees: z.array(z.string()).describe(
    "Temporary worktrees of `orch merge --check` runs that died (kill -9) before removing them",
  ),
  branches_deleted: z.array(z.strictObject({
    attempt_id: _Id,
    task_id: RunTaskIdSchema,
    branch_name: z.string(),
    head_commit: _Commit,
    why: z.enum(["empty", "merged", "forced"]),
  })).describe("--delete-branches: branches deleted (head_commit: where they pointed)"),
  branches_kept: z.array(z.strictObject({
    attempt_id: _Id,
    task_id: RunTaskIdSchema,
    branch_name: z.string(),
    head_commit: _Commit,
    reason: z.enum(["UNMERGED_COMMITS", "CHECKED_OUT", "MOVED"]),
    commits_ahead: _Count,
  })).describe("--delete-branches: branches kept, and why"),
  views_removed: z.array(z.strictObject({
    attempt_id: _Id,
    task_id: RunTaskIdSchema,
    attempt_n: _Id,
    view_ref: z.string(),
    view_commit: _Commit.describe("Where the ref pointed"),
  })).describe(
    "Read-only views (refs/orch-views/...) of finished analysis attempts, removed",
  ),
});

/** `orch diff` */
export const OrchDiffOutputSchema = _ok("orch --json diff", {
  run_id: RunTaskIdSchema,
  task_id: RunTaskIdSchema,
  attempt: AttemptSchema,
  from: _Commit.describe("The attempt's start (start_commit, else base_commit)"),
  to: _Commit.describe("The branch's head now (the recorded head if the branch is gone)"),
  worktree: z.enum(["clean", "dirty", "missing"]).describe(
    "dirty: uncommitted changes exist that the diff does not show",
  ),
  files: z.array(z.strictObject({
    path: z.string(),
    old_path: z.string().nullable().describe("Before a rename or copy"),
    status: z.enum(["added", "modified", "deleted", "renamed", "copied", "type_changed"]),
    insertions: _Count.nullable().describe("null for a binary file"),
    deletions: _Count.nullable().describe("null for a binary file"),
  })),
  commits: z.array(z.strictObject({ commit: _Commit, subject: z.string() })).describe(
    "Oldest first",
  ),
  totals: z.strictObject({ files: _Count, insertions: _Count, deletions: _Count }),
  patch: z.string().nullable().describe("git diff --stat plus the patch; null with --stat"),
});

/** `orch merge` */
export const OrchMergeOutputSchema = _ok("orch --json merge", {
  run_id: RunTaskIdSchema,
  into: z.string().describe("The target branch"),
  from: _Commit.describe("The target's commit when the merge started"),
  to: _Commit.describe("The target's commit now (--dry-run: what it would be)"),
  dry_run: z.boolean(),
  merged: z.array(z.strictObject({
    task_id: RunTaskIdSchema,
    attempt_id: _Id,
    commit: _Commit.describe("The commit on the target holding the task's work"),
    already_contained: z.boolean().describe("The work was in the target already: no new commit"),
  })).describe("In the order merged (dependencies first)"),
  left_out: z.array(z.strictObject({
    task_id: RunTaskIdSchema,
    attempt_id: _Id,
    status: z.enum(["merge_conflict", "check_failed", "dependency_left_out"]),
    detail: _JsonObject.describe(
      "paths (conflict); command, exit_code, output_tail (check); dependency",
    ),
  })),
  skipped: z.array(z.strictObject({
    task_id: RunTaskIdSchema,
    reason: z.enum(["not_code", "not_accepted", "already_merged", "no_changes"]),
  })).describe("Tasks named with --task that are not in the queue"),
  checkout: z.string().nullable().describe("The worktree with the target checked out, if any"),
});

/** `orch publish` */
export const OrchPublishOutputSchema = _ok("orch --json publish", {
  run_id: RunTaskIdSchema,
  task_id: RunTaskIdSchema,
  attempt_n: _Id,
  remote: z.string().describe("As given: a remote's name, a URL or a path"),
  branch_name: z.string().describe("The attempt's branch, pushed under the same name"),
  start_commit: _Commit.describe("Where the branch starts (start_commit, else base_commit)"),
  commit: _Commit.describe("The branch's head that was pushed"),
});

/** `orch collect` */
export const OrchCollectOutputSchema = _ok("orch --json collect", {
  run_id: RunTaskIdSchema,
  task_id: RunTaskIdSchema,
  attempt_n: _Id,
  remote: z.string().describe("As given: a remote's name, a URL or a path"),
  branch_name: z.string(),
  start_commit: _Commit.describe("Where the branch starts (start_commit, else base_commit)"),
  from: _Commit.describe("The leader's branch head before"),
  to: _Commit.describe("The leader's branch head now"),
  remote_commit: _Commit.describe("The branch's head on the remote"),
  moved: z.boolean().describe("The leader's branch was fast-forwarded to the remote's"),
  attempt: AttemptSchema.describe("After the reconcile that followed (result: the verdict)"),
  task_status: TaskStatusSchema,
});

/** `orch status` */
export const OrchStatusOutputSchema = _ok("orch --json status", {
  run: RunSchema,
  counts: TaskCountsSchema,
  require_tokens: z.boolean().describe("Strict mode: every write needs a capability token"),
  tasks: z.array(TaskViewSchema).describe("In creation order"),
});

/** `orch graph` */
export const OrchGraphOutputSchema = _ok("orch --json graph", {
  run_id: RunTaskIdSchema,
  format: z.enum(["mermaid", "dot"]),
  graph: z.string().describe("The dependency graph with statuses, in that format"),
});

/** `orch brief` */
export const OrchBriefOutputSchema = _ok("orch --json brief", {
  brief: z.string().describe("The worker brief (markdown)"),
  thread_id: _Id,
  agent: AgentNameSchema,
});

/** `orch council start` */
export const OrchCouncilStartOutputSchema = _ok("orch --json council start", {
  run: RunSchema,
  attempts: z.array(AttemptSchema).min(2).describe("One analysis attempt per reviewer"),
  tokens: z.array(z.strictObject({
    reviewer: z.string(),
    thread_id: z.int().min(1),
    token: z.string(),
  })).optional().describe(
    "Strict mode only: each reviewer's capability token, shown only here",
  ),
});

/** `orch council wait` */
export const OrchCouncilWaitOutputSchema = _ok("orch --json council wait", {
  run_id: RunTaskIdSchema,
  timed_out: z.boolean(),
  reviewers: z.array(ReviewerSummarySchema),
});

/** `orch council tally` */
export const OrchCouncilTallyOutputSchema = _ok("orch --json council tally", {
  run_id: RunTaskIdSchema,
  topic: z.string(),
  reviewers: z.array(ReviewerSummarySchema),
  tally: TallySchema,
});

/** `orch council merge`, `split` and `adjustments` */
export const OrchCouncilAdjustmentsOutputSchema = _ok(
  "orch --json council merge|split|adjustments",
  {
    run_id: RunTaskIdSchema,
    adjustments: z.array(z.union([
      z.strictObject({ op: z.literal("merge"), keys: z.array(z.string()).min(2) }),
      z.strictObject({ op: z.literal("split"), key: z.string() }),
    ])).describe("Every merge and split recorded on the council run, in order"),
  },
);

/** `orch council report` */
export const OrchCouncilReportOutputSchema = _ok("orch --json council report", {
  run_id: RunTaskIdSchema,
  topic: z.string(),
  report: z.strictObject({
    artifact_id: _Id.describe("The markdown, stored as an artifact (inbox artifact get)"),
    thread_id: _Id,
    size: _Count,
    sha256: _Sha256,
    out: z.string().nullable().describe("The --out path, or null"),
    reused: z.boolean().describe(
      "True when an identical report was already stored: its artifact is returned, none is added",
    ),
  }),
  tally: TallySchema,
});

/**
 * Every output contract by the name of its file in docs/schemas/
 * (`<name>.schema.json`): the envelope, the entities, then each command.
 */
export const OUTPUT_SCHEMAS = {
  "envelope": EnvelopeSchema,
  "error-envelope": ErrorEnvelopeSchema,
  "thread": ThreadSchema,
  "message": MessageSchema,
  "fetched-message": FetchedMessageSchema,
  "artifact-meta": ArtifactMetaSchema,
  "event": EventSchema,
  "orch-event": OrchEventSchema,
  "run": RunSchema,
  "task": TaskSchema,
  "attempt": AttemptSchema,
  "task-counts": TaskCountsSchema,
  "task-view": TaskViewSchema,
  "tally": TallySchema,
  "inbox-init": InboxInitOutputSchema,
  "inbox-send": InboxSendOutputSchema,
  "inbox-fetch": InboxFetchOutputSchema,
  "inbox-claim": InboxClaimOutputSchema,
  "inbox-renew": InboxRenewOutputSchema,
  "inbox-update": InboxUpdateOutputSchema,
  "inbox-reply": InboxThreadMessageOutputSchema,
  "inbox-done": InboxFinishOutputSchema,
  "inbox-fail": InboxFinishOutputSchema,
  "inbox-cancel": InboxThreadMessageOutputSchema,
  "inbox-list": InboxListOutputSchema,
  "inbox-show": InboxShowOutputSchema,
  "inbox-wait-reply": InboxWaitReplyOutputSchema,
  "search-hit": SearchHitSchema,
  "inbox-search": InboxSearchOutputSchema,
  "inbox-watch-line": InboxWatchLineSchema,
  "inbox-artifact-get": InboxArtifactGetOutputSchema,
  "orch-init": OrchInitOutputSchema,
  "cli-surface": CliSurfaceOutputSchema,
  "cli-version": CliVersionOutputSchema,
  "orch-run-init": OrchRunInitOutputSchema,
  "orch-run-show": OrchRunShowOutputSchema,
  "orch-task-add": OrchTaskAddOutputSchema,
  "orch-dep-add": OrchDepAddOutputSchema,
  "orch-ready": OrchReadyOutputSchema,
  "orch-dispatch": OrchDispatchOutputSchema,
  "orch-reconcile": OrchReconcileOutputSchema,
  "orch-wait": OrchWaitOutputSchema,
  "orch-blocked": OrchBlockedOutputSchema,
  "orch-answer": OrchAnswerOutputSchema,
  "orch-cancel": OrchCancelOutputSchema,
  "orch-cleanup": OrchCleanupOutputSchema,
  "orch-diff": OrchDiffOutputSchema,
  "orch-merge": OrchMergeOutputSchema,
  "orch-publish": OrchPublishOutputSchema,
  "orch-collect": OrchCollectOutputSchema,
  "orch-status": OrchStatusOutputSchema,
  "orch-graph": OrchGraphOutputSchema,
  "orch-brief": OrchBriefOutputSchema,
  "orch-council-start": OrchCouncilStartOutputSchema,
  "orch-council-wait": OrchCouncilWaitOutputSchema,
  "orch-council-tally": OrchCouncilTallyOutputSchema,
  "orch-council-report": OrchCouncilReportOutputSchema,
  "orch-council-adjustments": OrchCouncilAdjustmentsOutputSchema,
} as const satisfies Record<string, z.ZodType>;

export type OutputSchemaName = keyof typeof OUTPUT_SCHEMAS;
