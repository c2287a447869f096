import { buildCommand, buildRouteMap } from "@stricli/core";
import { lazyApp } from "../lazy_app.ts";
import { orchEventLines } from "../../protocol/enums.ts";
import { EXECUTION_MODES } from "../../store/orch_types.ts";
import { GRAPH_FORMATS } from "../../board/graph_formats.ts";
import type { CliContext } from "../context.ts";
import {
  bodyFileFlag,
  bodyFlag,
  payloadFileFlag,
  requireTokensFlag,
  timeoutSecondsFlag,
} from "../flags.ts";
import {
  agentParser,
  choiceParser,
  idListParser,
  idParser,
  intParser,
  ratioParser,
  textListParser,
  textParser,
} from "../parsers.ts";

/**
 * The whole `orch` command surface (the leader side). Global flags `--db
 * PATH` and `--json` go anywhere on the line. Implementations load lazily.
 */

const impl = () => import("./impl.ts");
const code = () => import("./code_impl.ts");
const mergeImpl = () => import("./merge_impl.ts");
const remoteImpl = () => import("./remote_impl.ts");
const council = () => import("./council_impl.ts");

const run = { kind: "parsed", parse: idParser, brief: "Run id" } as const;
const task = { kind: "parsed", parse: idParser, brief: "Task id" } as const;
const body = bodyFlag;
const bodyFile = bodyFileFlag;
const to = { kind: "parsed", parse: agentParser, brief: "Worker agent", optional: true } as const;
const timeoutSeconds = timeoutSecondsFlag;
const repoPath = {
  kind: "parsed",
  parse: textParser,
  brief: "Git repository for code mode (default: working directory)",
  optional: true,
} as const;
const workspaceRoot = {
  kind: "parsed",
  parse: textParser,
  brief: "Where attempt worktrees go (default .orch/worktrees in the repo)",
  optional: true,
} as const;
const baseRef = {
  kind: "parsed",
  parse: textParser,
  brief: "Committed base for the worktree (default HEAD of a clean repo)",
  optional: true,
} as const;

const runHooks = {
  kind: "boolean",
  brief: "Let git run the repository's hooks when making the worktree (default: none run)",
  optional: true,
} as const;

const executionMode = {
  kind: "parsed",
  parse: choiceParser(EXECUTION_MODES),
  brief: "analysis (thread only) | code (fresh git worktree); default: the task's own mode",
  optional: true,
} as const;

const init = () =>
  buildCommand({
    loader: async () => (await import("../init_db.ts")).init,
    parameters: { flags: { requireTokens: requireTokensFlag } },
    docs: { brief: "Create the database (or upgrade it) and apply migrations, as inbox init" },
  });

const runInit = () =>
  buildCommand({
    loader: async () => (await impl()).runInit,
    parameters: {
      flags: {
        run,
        goal: { kind: "parsed", parse: textParser, brief: "What the run is for" },
        summary: { kind: "parsed", parse: String, brief: "Longer description", optional: true },
      },
    },
    docs: { brief: "Create a run" },
  });

const runShow = () =>
  buildCommand({
    loader: async () => (await impl()).runShow,
    parameters: { flags: { run } },
    docs: { brief: "Run metadata and task counts by status (no reconcile: cheap)" },
  });

const taskAdd = () =>
  buildCommand({
    loader: async () => (await impl()).taskAdd,
    parameters: {
      flags: {
        run,
        task,
        title: { kind: "parsed", parse: textParser, brief: "Short title" },
        summary: { kind: "parsed", parse: String, brief: "What to do", optional: true },
        defaultTo: { ...to, brief: "Worker that gets it when dispatch has no --to" },
        dependsOn: {
          kind: "parsed",
          parse: idListParser,
          brief: "Comma-separated tasks it waits for (added with it, in one step)",
          optional: true,
        },
        executionMode: {
          ...executionMode,
          optional: true,
          brief: "analysis | code: the mode dispatch uses when not given one",
        },
        acceptanceJson: {
          kind: "parsed",
          parse: String,
          brief: "Acceptance criteria, a JSON object",
          optional: true,
        },
      },
    },
    docs: { brief: "Add a task to a run" },
  });

const depAdd = () =>
  buildCommand({
    loader: async () => (await impl()).depAdd,
    parameters: {
      flags: { run, task, dependsOn: { ...task, brief: "The task it waits for" } },
    },
    docs: { brief: "Record that a task depends on another (cycles are refused)" },
  });

const ready = () =>
  buildCommand({
    loader: async () => (await impl()).ready,
    parameters: { flags: { run } },
    docs: {
      brief: "Reconcile, then the tasks ready for dispatch (pending, every dependency done)",
    },
  });

const dispatch = () =>
  buildCommand({
    loader: async () => (await impl()).dispatch,
    parameters: {
      flags: {
        run,
        task,
        executionMode,
        to,
        body,
        bodyFile,
        repoPath,
        workspaceRoot,
        baseRef,
        fromBase: {
          kind: "boolean",
          brief: "Start from the bare base, without the done dependencies' work",
          optional: true,
        },
        runHooks,
        idempotencyKey: {
          kind: "parsed",
          parse: textParser,
          brief: "A repeat with the same key returns the first attempt",
          optional: true,
        },
      },
    },
    docs: { brief: "Create an attempt and its inbox thread for a ready task" },
  });

const reconcile = () =>
  buildCommand({
    loader: async () => (await impl()).reconcile,
    parameters: { flags: { run } },
    docs: { brief: "Fold worker thread state into attempts and tasks" },
  });

const wait = () =>
  buildCommand({
    loader: async () => (await impl()).wait,
    parameters: {
      flags: {
        run,
        for: {
          kind: "parsed",
          parse: textParser,
          brief: 'Comma-separated event types, or "all" (default: those marked * above)',
          optional: true,
        },
        afterEvent: {
          kind: "parsed",
          parse: intParser(0),
          brief: "Only events after this cursor (default 0)",
          optional: true,
        },
        timeoutSeconds,
      },
    },
    docs: {
      brief: "Block until matching run events exist after the cursor",
      fullDescription: [
        "Block until matching run events exist after the cursor.",
        "",
        "Event types (* = waited for when --for is omitted):",
        ...orchEventLines().map((l) => `  ${l}`),
      ].join("\n"),
    },
  });

const blocked = () =>
  buildCommand({
    loader: async () => (await impl()).blocked,
    parameters: { flags: { run } },
    docs: { brief: "Blocked tasks and their latest questions" },
  });

const answer = () =>
  buildCommand({
    loader: async () => (await impl()).answer,
    parameters: {
      flags: {
        run,
        task,
        body,
        bodyFile,
        payloadJson: {
          kind: "parsed",
          parse: String,
          brief: "Structured decision, a JSON object",
          optional: true,
        },
        payloadFile: payloadFileFlag,
      },
    },
    docs: { brief: "Answer a blocked task in its active attempt's thread" },
  });

/** retry / reassign: a code attempt starts from the previous one's commits unless given a ref. */
const redispatchBaseRef = {
  ...baseRef,
  brief: "Code mode: start from this ref (default: the previous attempt's commits)",
} as const;

const retry = () =>
  buildCommand({
    loader: async () => (await impl()).retry,
    parameters: {
      flags: { run, task, to, body, bodyFile, baseRef: redispatchBaseRef, runHooks },
    },
    docs: {
      brief: "New attempt for a task that failed, went stale, needs attention or a merge left out",
    },
  });

const reassign = () =>
  buildCommand({
    loader: async () => (await impl()).reassign,
    parameters: {
      flags: {
        run,
        task,
        to: { ...to, optional: false, brief: "The new worker" },
        body,
        bodyFile,
        baseRef: redispatchBaseRef,
        runHooks,
      },
    },
    docs: { brief: "Cancel the current attempt and dispatch to another worker" },
  });

const cancel = () =>
  buildCommand({
    loader: async () => (await impl()).cancel,
    parameters: {
      flags: {
        run,
        task: { ...task, optional: true, brief: "Only this task (default: the whole run)" },
        reason: {
          kind: "parsed",
          parse: textParser,
          brief: "Why (sent to workers)",
          optional: true,
        },
      },
    },
    docs: { brief: "Cancel a task, or a whole run (open threads are cancelled)" },
  });

const cleanup = () =>
  buildCommand({
    loader: async () => (await impl()).cleanup,
    parameters: {
      flags: {
        run,
        task: { ...task, optional: true, brief: "Only this task's worktrees" },
        allCompleted: {
          kind: "boolean",
          brief: "Every finished attempt's worktree",
          optional: true,
        },
        force: {
          kind: "boolean",
          brief: "Remove dirty worktrees too; with --delete-branches, unmerged branches too",
          optional: true,
        },
        deleteBranches: {
          kind: "boolean",
          brief: "Also delete branches of finished attempts that are merged or have no commits",
          optional: true,
        },
      },
    },
    docs: { brief: "Remove finished attempts' worktrees and analysis views" },
  });

const diff = () =>
  buildCommand({
    loader: async () => (await code()).diff,
    parameters: {
      flags: {
        run,
        task,
        attempt: {
          kind: "parsed",
          parse: intParser(1, Number.MAX_SAFE_INTEGER),
          brief: "Attempt number (default: the latest)",
          optional: true,
        },
        stat: { kind: "boolean", brief: "Files and counts only, no patch", optional: true },
      },
    },
    docs: { brief: "What a code attempt changed since its start: files, commits, patch" },
  });

const merge = () =>
  buildCommand({
    loader: async () => (await mergeImpl()).merge,
    parameters: {
      flags: {
        run,
        into: { kind: "parsed", parse: textParser, brief: "Branch to integrate into" },
        task: {
          ...task,
          variadic: true,
          optional: true,
          brief: "Only these tasks (repeatable; default: every accepted, unmerged code task)",
        },
        check: {
          kind: "parsed",
          parse: textParser,
          brief: "Command (run by sh in a temporary worktree) that must pass after each merge",
          optional: true,
        },
        dryRun: {
          kind: "boolean",
          brief: "Report what would merge and what would conflict; change nothing",
          optional: true,
        },
        repoPath,
      },
    },
    docs: { brief: "Integrate accepted code results into a branch, in dependency order" },
  });

const remoteFlags = {
  run,
  task,
  remote: {
    kind: "parsed",
    parse: textParser,
    brief:
      "Git remote both hosts reach: a remote's name in the repository, a URL or an absolute path",
  },
  attempt: {
    kind: "parsed",
    parse: intParser(1, Number.MAX_SAFE_INTEGER),
    brief: "Attempt number (default: the latest)",
    optional: true,
  },
} as const;

const publish = () =>
  buildCommand({
    loader: async () => (await remoteImpl()).publish,
    parameters: { flags: remoteFlags },
    docs: {
      brief:
        "Push a code attempt's branch to a git remote, for a worker on another host (never forced)",
    },
  });

const collect = () =>
  buildCommand({
    loader: async () => (await remoteImpl()).collect,
    parameters: { flags: remoteFlags },
    docs: {
      brief:
        "Fetch a code attempt's branch back from a git remote (fast-forward only), then reconcile",
    },
  });

const status = () =>
  buildCommand({
    loader: async () => (await impl()).status,
    parameters: {
      flags: {
        run,
        full: {
          kind: "boolean",
          brief: "Show each task's latest message in full (text view; --json always has it)",
          optional: true,
        },
      },
    },
    docs: { brief: "Reconcile, then the full run view: tasks, latest attempts and messages" },
  });

const graph = () =>
  buildCommand({
    loader: async () => (await import("./graph_impl.ts")).graph,
    parameters: {
      flags: {
        run,
        format: {
          kind: "parsed",
          parse: choiceParser(GRAPH_FORMATS),
          brief: "mermaid (flowchart) | dot (Graphviz)",
          default: "mermaid",
        },
      },
    },
    docs: { brief: "Reconcile, then the dependency graph with statuses (Mermaid or DOT)" },
  });

const board = () =>
  buildCommand({
    loader: async () => (await import("./board_impl.ts")).board,
    parameters: {
      flags: {
        port: {
          kind: "parsed",
          parse: intParser(0, 65535),
          brief: "Port on 127.0.0.1 (0 picks a free one)",
          default: "0",
        },
      },
    },
    docs: {
      brief: "Serve the live run board on 127.0.0.1 (first line of stdout: its URL with the token)",
    },
  });

const brief = () =>
  buildCommand({
    loader: async () => (await impl()).brief,
    parameters: {
      flags: {
        dispatchJson: {
          kind: "parsed",
          parse: textParser,
          brief: "Saved output of dispatch, retry, reassign or council start --json (- for stdin)",
        },
        agent: {
          kind: "parsed",
          parse: agentParser,
          brief: "The reviewer to brief, from council start output with several",
          optional: true,
        },
        inboxCmd: {
          kind: "parsed",
          parse: textParser,
          brief: "Path of the inbox program the worker runs (default: inbox)",
          optional: true,
        },
        remote: {
          kind: "parsed",
          parse: textParser,
          brief:
            "A code worker on another host: the remote (its name in the worker's clone, or a URL) holding the branch",
          optional: true,
        },
      },
    },
    docs: { brief: "Render the worker brief for a saved dispatch (or a council reviewer)" },
  });

const councilStart = () =>
  buildCommand({
    loader: async () => (await council()).start,
    parameters: {
      flags: {
        run,
        topic: { kind: "parsed", parse: textParser, brief: "What the council reviews" },
        body,
        bodyFile,
        reviewers: {
          kind: "parsed",
          parse: textParser,
          brief: "Comma-separated reviewer agents (default reviewer-1,reviewer-2,reviewer-3)",
          optional: true,
        },
        repoPath: {
          ...repoPath,
          brief: "The repository the reviewers read, named in their brief (read only; no worktree)",
        },
      },
    },
    docs: { brief: "Create (or reuse) a run and dispatch one review task per reviewer" },
  });

const councilWait = () =>
  buildCommand({
    loader: async () => (await council()).wait,
    parameters: { flags: { run, timeoutSeconds } },
    docs: { brief: "Block until every reviewer is done or failed" },
  });

const threshold = {
  kind: "parsed",
  parse: ratioParser,
  brief: "Title similarity needed to group two recommendations, 0 to 1 (default 0.5)",
  optional: true,
} as const;

const councilTally = () =>
  buildCommand({
    loader: async () => (await council()).tally,
    parameters: { flags: { run, threshold } },
    docs: { brief: "Group recommendations into consensus, majority and minority" },
  });

const councilReport = () =>
  buildCommand({
    loader: async () => (await council()).report,
    parameters: {
      flags: {
        run,
        out: {
          kind: "parsed",
          parse: textParser,
          brief: "Also write the markdown here",
          optional: true,
        },
        threshold,
      },
    },
    docs: {
      brief:
        "Write the markdown report (stored as an artifact; the same report again is not stored twice)",
    },
  });

const councilMerge = () =>
  buildCommand({
    loader: async () => (await council()).merge,
    parameters: {
      flags: {
        run,
        keys: {
          kind: "parsed",
          parse: textListParser,
          brief: "Comma-separated keys of the groups that are one idea (from council tally)",
        },
        threshold: { ...threshold, brief: "Check the keys against the tally at this threshold" },
      },
    },
    docs: { brief: "Record that groups are one idea; every later tally and report merges them" },
  });

const councilSplit = () =>
  buildCommand({
    loader: async () => (await council()).split,
    parameters: {
      flags: {
        run,
        key: {
          kind: "parsed",
          parse: textParser,
          brief: "Key of the group to split (from council tally)",
        },
        threshold: { ...threshold, brief: "Check the key against the tally at this threshold" },
      },
    },
    docs: {
      brief: "Record that a group is several ideas: later tallies split it, one per reviewer",
    },
  });

const councilAdjustments = () =>
  buildCommand({
    loader: async () => (await council()).adjustments,
    parameters: {
      flags: {
        run,
        clear: { kind: "boolean", brief: "Remove every recorded merge and split", optional: true },
      },
    },
    docs: { brief: "List (or clear) the leader's recorded merges and splits" },
  });

const mcp = () =>
  buildCommand({
    loader: async () => (await import("../mcp/commands.ts")).orchMcp,
    parameters: {},
    docs: { brief: "Serve the leader commands as MCP tools over stdio (for MCP hosts)" },
  });

/** The top-level routes, each built when a command line names it (see lazy_app.ts). */
export const orchApp = lazyApp<CliContext>({
  name: "orch",
  routes: {
    init,
    run: () =>
      buildRouteMap({
        routes: { init: runInit(), show: runShow() },
        docs: { brief: "Runs" },
      }),
    task: () => buildRouteMap({ routes: { add: taskAdd() }, docs: { brief: "Tasks" } }),
    dep: () => buildRouteMap({ routes: { add: depAdd() }, docs: { brief: "Dependencies" } }),
    ready,
    dispatch,
    reconcile,
    wait,
    blocked,
    answer,
    retry,
    reassign,
    cancel,
    cleanup,
    diff,
    merge,
    publish,
    collect,
    status,
    graph,
    board,
    brief,
    mcp,
    council: () =>
      buildRouteMap({
        routes: {
          start: councilStart(),
          wait: councilWait(),
          tally: councilTally(),
          merge: councilMerge(),
          split: councilSplit(),
          adjustments: councilAdjustments(),
          report: councilReport(),
        },
        docs: { brief: "Three-reviewer council: start, wait, tally, merge/split, report" },
      }),
  },
  brief:
    "orch: the leader side of the coordination stack (global flags: --db PATH, --json, --token T)",
});
