/** The worker's MCP tools (`inbox mcp`): each runs the inbox command of the same name. */
import { UPDATE_STATUSES } from "../../protocol/enums.ts";
import type { Envelope, ParamSpec, RunCommand, ToolSpec } from "./tools.ts";

/** Waits default below the 60 s request timeout common MCP clients use. */
export const MCP_WAIT_SECONDS = 50;

const agent: ParamSpec = { type: "string", required: true };
const thread: ParamSpec = { type: "integer", required: true };
const leaseEpoch: ParamSpec = { type: "integer", description: "Require this epoch (from claim)" };
const payload: ParamSpec = { type: "object", flag: "--payload-json" };
const artifacts: ParamSpec = { type: "strings", flag: "--artifact", description: "File paths" };
const timeout: ParamSpec = { type: "integer", default: MCP_WAIT_SECONDS };

/** update --status blocked, then wait-reply after that question. */
async function _ask(args: Record<string, unknown>, run: RunCommand): Promise<Envelope> {
  const base = [
    `--agent=${args["agent"]}`,
    `--thread=${args["thread"]}`,
    ...(args["token"] !== undefined ? [`--token=${args["token"]}`] : []),
  ];
  const asked = await run("inbox", [
    "update",
    ...base,
    "--status=blocked",
    `--body=${args["question"]}`,
    ...(args["payload"] !== undefined ? [`--payload-json=${JSON.stringify(args["payload"])}`] : []),
    ...(args["lease_epoch"] !== undefined ? [`--lease-epoch=${args["lease_epoch"]}`] : []),
  ]);
  if (!asked.ok) return asked;
  const question = (asked["message"] as { id: number }).id;
  const waited = await run("inbox", [
    "wait-reply",
    ...base,
    `--after-message=${question}`,
    `--timeout-seconds=${args["timeout_seconds"]}`,
  ]);
  return waited.ok ? { ...waited, question_message_id: question } : waited;
}

export const INBOX_TOOLS: readonly ToolSpec[] = [
  {
    name: "fetch",
    description: "Unread messages to agent; advances its cursor unless peek",
    command: ["inbox", "fetch"],
    params: { agent, limit: { type: "integer" }, peek: { type: "boolean" } },
  },
  {
    name: "claim",
    description: "Claim a thread under a lease (default: oldest claimable); returns lease_epoch",
    command: ["inbox", "claim"],
    params: { agent, thread: { type: "integer" }, lease_seconds: { type: "integer" } },
  },
  {
    name: "renew",
    description: "Extend your lease",
    command: ["inbox", "renew"],
    params: { agent, thread, lease_seconds: { type: "integer" }, lease_epoch: leaseEpoch },
  },
  {
    name: "update",
    description: "Report progress (0-100) or enter verifying; renews the lease",
    command: ["inbox", "update"],
    params: {
      agent,
      thread,
      body: { type: "string" },
      progress: { type: "integer" },
      status: { type: "string", enum: UPDATE_STATUSES.filter((s) => s !== "blocked") },
      payload,
      lease_epoch: leaseEpoch,
    },
  },
  {
    name: "ask",
    description:
      "Block the thread on a question and wait for the reply (timed_out: call wait_reply)",
    command: ["inbox", "update"],
    params: {
      agent,
      thread,
      question: { type: "string", required: true },
      payload,
      lease_epoch: leaseEpoch,
      timeout_seconds: timeout,
    },
    run: _ask,
  },
  {
    name: "wait_reply",
    description: "Wait for a reply after your last message (type cancel: stop work)",
    command: ["inbox", "wait-reply"],
    params: { agent, thread, after_message: { type: "integer" }, timeout_seconds: timeout },
  },
  {
    name: "reply",
    description: "Reply in a thread",
    command: ["inbox", "reply"],
    params: { agent, thread, body: { type: "string", required: true }, payload },
  },
  {
    name: "done",
    description: "Finish your thread with its result",
    command: ["inbox", "done"],
    params: {
      agent,
      thread,
      body: { type: "string" },
      payload,
      artifacts,
      lease_epoch: leaseEpoch,
      no_changes: { type: "boolean", description: "Code task needed no change" },
    },
  },
  {
    name: "fail",
    description: "Finish your thread as failed",
    command: ["inbox", "fail"],
    params: {
      agent,
      thread,
      reason: { type: "string", required: true },
      payload,
      artifacts,
      lease_epoch: leaseEpoch,
    },
  },
  {
    name: "show",
    description: "A thread with its messages",
    command: ["inbox", "show"],
    params: { thread },
  },
  {
    name: "search",
    description: 'Full-text search of subjects and bodies: words, "phrases", prefix*',
    command: ["inbox", "search"],
    params: {
      query: { type: "string", required: true, positional: true },
      agent: { type: "string", noServerDefault: true, description: "Only this agent's threads" },
      run: { type: "string" },
      limit: { type: "integer" },
    },
  },
];
