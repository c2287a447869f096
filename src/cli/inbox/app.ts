import { buildCommand, buildRouteMap } from "@stricli/core";
import { lazyApp } from "../lazy_app.ts";
import { THREAD_KINDS, THREAD_STATUSES, UPDATE_STATUSES } from "../../store/inbox_types.ts";
import type { CliContext } from "../context.ts";
import {
  bodyFileFlag,
  bodyFlag,
  payloadFileFlag,
  payloadJsonFlag,
  requireTokensFlag,
  timeoutSecondsFlag,
} from "../flags.ts";
import {
  agentParser,
  choiceParser,
  idParser,
  intParser,
  secondsParser,
  textParser,
} from "../parsers.ts";

/**
 * The whole `inbox` command surface. Global flags `--db PATH` and `--json`
 * go anywhere on the line (see argv.ts). Implementations live in impl.ts and
 * load only when a command runs.
 */

const impl = () => import("./impl.ts");

const agent = { kind: "parsed", parse: agentParser, brief: "Acting agent name" } as const;
const thread = { kind: "parsed", parse: intParser(1), brief: "Thread id" } as const;
const body = bodyFlag;
const bodyFile = bodyFileFlag;
const payloadJson = payloadJsonFlag;
const payloadFile = payloadFileFlag;
const artifact = {
  kind: "parsed",
  parse: textParser,
  brief: "Attach a file (repeatable)",
  optional: true,
  variadic: true,
} as const;
const leaseEpoch = {
  kind: "parsed",
  parse: intParser(1),
  brief: "Also require this lease epoch (strict fencing; from the claim)",
  optional: true,
} as const;
const leaseSeconds = {
  kind: "parsed",
  parse: intParser(1, 86400),
  brief: "Lease length in seconds (default 900)",
  optional: true,
} as const;
const renewSeconds = {
  ...leaseSeconds,
  brief: "Lease length in seconds (default: the length last set, by the claim or a renew)",
} as const;
const timeoutSeconds = timeoutSecondsFlag;

const init = () =>
  buildCommand({
    loader: async () => (await import("../init_db.ts")).init,
    parameters: {
      flags: { requireTokens: requireTokensFlag },
    },
    docs: { brief: "Create the database (or upgrade it) and apply migrations" },
  });

const send = () =>
  buildCommand({
    loader: async () => (await impl()).send,
    parameters: {
      flags: {
        from: { ...agent, brief: "Sending agent" },
        to: { ...agent, brief: "Receiving agent" },
        subject: { kind: "parsed", parse: textParser, brief: "Thread subject" },
        body,
        bodyFile,
        kind: {
          kind: "parsed",
          parse: choiceParser(THREAD_KINDS),
          brief: "task | question | review | note (default task)",
          optional: true,
        },
        payloadJson,
        payloadFile,
        artifact,
        idempotencyKey: {
          kind: "parsed",
          parse: textParser,
          brief: "A repeat with the same key returns the first thread",
          optional: true,
        },
      },
    },
    docs: { brief: "Start a thread with its first message" },
  });

const fetch = () =>
  buildCommand({
    loader: async () => (await impl()).fetch,
    parameters: {
      flags: {
        agent,
        limit: {
          kind: "parsed",
          parse: intParser(1, 1000),
          brief: "At most N messages (default 50)",
          optional: true,
        },
        peek: { kind: "boolean", brief: "Do not advance the read cursor", optional: true },
        all: {
          kind: "boolean",
          brief: "Also messages to you in threads already finished (default: only actionable ones)",
          optional: true,
        },
      },
    },
    docs: {
      brief:
        "Unread messages addressed to the agent in live threads, or results of threads it started (advances its cursor)",
    },
  });

const claim = () =>
  buildCommand({
    loader: async () => (await impl()).claim,
    parameters: {
      flags: {
        agent,
        thread: { ...thread, optional: true, brief: "Thread id (default: oldest claimable)" },
        leaseSeconds,
      },
    },
    docs: { brief: "Claim a thread under a lease (fenced by a new lease epoch)" },
  });

const renew = () =>
  buildCommand({
    loader: async () => (await impl()).renew,
    parameters: { flags: { agent, thread, leaseSeconds: renewSeconds, leaseEpoch } },
    docs: { brief: "Extend the lease you hold" },
  });

const update = () =>
  buildCommand({
    loader: async () => (await impl()).update,
    parameters: {
      flags: {
        agent,
        thread,
        body,
        bodyFile,
        progress: {
          kind: "parsed",
          parse: intParser(0, 100),
          brief: "Percent done, 0-100",
          optional: true,
        },
        status: {
          kind: "parsed",
          parse: choiceParser(UPDATE_STATUSES),
          brief: "in_progress | blocked (asks the body as a question) | verifying",
          optional: true,
        },
        payloadJson,
        payloadFile,
        leaseEpoch,
      },
    },
    docs: { brief: "Report progress, ask a blocked question, or enter verifying" },
  });

const reply = () =>
  buildCommand({
    loader: async () => (await impl()).reply,
    parameters: { flags: { agent, thread, body, bodyFile, payloadJson, payloadFile } },
    docs: { brief: "Reply in a thread (a reply to a blocked thread unblocks it)" },
  });

const done = () =>
  buildCommand({
    loader: async () => (await impl()).done,
    parameters: {
      flags: {
        agent,
        thread,
        body,
        bodyFile,
        payloadJson,
        payloadFile,
        artifact,
        leaseEpoch,
        noChanges: {
          kind: "boolean",
          brief: "Code task: no change was needed (adds no_changes: true to the result payload)",
          optional: true,
        },
      },
    },
    docs: { brief: "Finish the thread you hold as done, with an optional result" },
  });

const fail = () =>
  buildCommand({
    loader: async () => (await impl()).fail,
    parameters: {
      flags: {
        agent,
        thread,
        body,
        bodyFile,
        reason: { kind: "parsed", parse: textParser, brief: "Why it failed", optional: true },
        payloadJson,
        payloadFile,
        artifact,
        leaseEpoch,
      },
    },
    docs: { brief: "Finish the thread you hold as failed, with the reason" },
  });

const cancel = () =>
  buildCommand({
    loader: async () => (await impl()).cancel,
    parameters: { flags: { agent, thread, body, bodyFile } },
    docs: { brief: "Cancel a thread you take part in" },
  });

const list = () =>
  buildCommand({
    loader: async () => (await impl()).list,
    parameters: {
      flags: {
        agent: { ...agent, optional: true, brief: "Only threads this agent takes part in" },
        status: {
          kind: "parsed",
          parse: choiceParser(THREAD_STATUSES),
          brief: "Only threads with this status",
          optional: true,
        },
        limit: {
          kind: "parsed",
          parse: intParser(1, 10000),
          brief: "At most N threads (default 50)",
          optional: true,
        },
      },
    },
    docs: { brief: "List threads, newest first" },
  });

const show = () =>
  buildCommand({
    loader: async () => (await impl()).show,
    parameters: { flags: { thread } },
    docs: { brief: "A thread with all its messages and artifacts" },
  });

const watch = () =>
  buildCommand({
    loader: async () => (await impl()).watch,
    parameters: {
      flags: {
        agent,
        timeoutSeconds,
        max: {
          kind: "parsed",
          parse: intParser(1),
          brief: "Stop after N messages",
          optional: true,
        },
        afterMessage: {
          kind: "parsed",
          parse: intParser(0),
          brief: "Start after this message id (default: now)",
          optional: true,
        },
        // Internal (tests): how long an idle watch trusts the wake file's notification
        // before it re-checks anyway. Hidden from help and the surface.
        safetyRecheckSeconds: {
          kind: "parsed",
          parse: secondsParser,
          brief: "Re-check without a notification after this long (default: 1)",
          optional: true,
          hidden: true,
        },
      },
    },
    docs: { brief: "Stream new messages to the agent as they arrive (NDJSON with --json)" },
  });

const waitReply = () =>
  buildCommand({
    loader: async () => (await impl()).waitReply,
    parameters: {
      flags: {
        agent,
        thread,
        afterMessage: {
          kind: "parsed",
          parse: intParser(0),
          brief: "Wait for a reply after this message id (default: your last message)",
          optional: true,
        },
        timeoutSeconds,
      },
    },
    docs: { brief: "Block until someone replies in the thread (keeps your lease alive)" },
  });

const search = () =>
  buildCommand({
    loader: async () => (await import("./search_impl.ts")).search,
    parameters: {
      positional: {
        kind: "array",
        parameter: {
          brief: 'Words and "quoted phrases", all must match; word* = prefix',
          parse: textParser,
          placeholder: "words",
        },
        minimum: 1,
      },
      flags: {
        agent: {
          ...agent,
          optional: true,
          brief: "Only threads this agent sent, received or holds",
        },
        run: {
          kind: "parsed",
          parse: idParser,
          brief: "Only threads of this orch run",
          optional: true,
        },
        limit: {
          kind: "parsed",
          parse: intParser(1, 1000),
          brief: "At most N hits (default 20)",
          optional: true,
        },
      },
    },
    docs: { brief: "Full-text search of thread subjects and message bodies, best first" },
  });

const mcp = () =>
  buildCommand({
    loader: async () => (await import("../mcp/commands.ts")).inboxMcp,
    parameters: {
      flags: { agent: { ...agent, optional: true, brief: "Default agent for every tool call" } },
    },
    docs: { brief: "Serve the worker commands as MCP tools over stdio (for MCP hosts)" },
  });

const artifactGet = () =>
  buildCommand({
    loader: async () => (await impl()).artifactGet,
    parameters: {
      flags: {
        artifact: { kind: "parsed", parse: intParser(1), brief: "Artifact id" },
        out: {
          kind: "parsed",
          parse: textParser,
          brief: "Write the bytes to this file (a new file unless --force)",
          optional: true,
        },
        force: {
          kind: "boolean",
          brief: "Let --out overwrite an existing file",
          optional: true,
        },
      },
    },
    docs: { brief: "Read an artifact back, verified against its sha256" },
  });

/** The top-level routes, each built when a command line names it (see lazy_app.ts). */
export const inboxApp = lazyApp<CliContext>({
  name: "inbox",
  routes: {
    init,
    send,
    fetch,
    claim,
    renew,
    update,
    reply,
    done,
    fail,
    cancel,
    list,
    show,
    watch,
    "wait-reply": waitReply,
    search,
    mcp,
    artifact: () =>
      buildRouteMap({
        routes: { get: artifactGet() },
        docs: { brief: "Artifacts stored with messages" },
      }),
  },
  brief:
    "inbox: the worker side of the coordination stack (global flags: --db PATH, --json, --token T)",
});
