/** The leader's MCP tools (`orch mcp`): each runs the orch (or inbox) command of the same name. */
import { EXECUTION_MODES } from "../../protocol/enums.ts";
import { MCP_WAIT_SECONDS } from "./inbox_tools.ts";
import type { ParamSpec, ToolSpec } from "./tools.ts";

const run: ParamSpec = { type: "string", required: true };
const task: ParamSpec = { type: "string", required: true };
const to: ParamSpec = { type: "string", description: "Worker agent" };
const body: ParamSpec = { type: "string", description: "Instructions to the worker" };

export const ORCH_TOOLS: readonly ToolSpec[] = [
  {
    name: "run_init",
    description: "Create a run",
    command: ["orch", "run", "init"],
    params: { run, goal: { type: "string", required: true }, summary: { type: "string" } },
  },
  {
    name: "task_add",
    description: "Add a task to a run",
    command: ["orch", "task", "add"],
    params: {
      run,
      task,
      title: { type: "string", required: true },
      summary: { type: "string" },
      default_to: to,
      acceptance: { type: "object", flag: "--acceptance-json" },
    },
  },
  {
    name: "dep_add",
    description: "task waits for depends_on",
    command: ["orch", "dep", "add"],
    params: { run, task, depends_on: task },
  },
  {
    name: "ready",
    description: "Reconcile, then tasks ready to dispatch",
    command: ["orch", "ready"],
    params: { run },
  },
  {
    name: "dispatch",
    description: "Start an attempt and its worker thread (code: fresh git worktree)",
    command: ["orch", "dispatch"],
    params: {
      run,
      task,
      execution_mode: { type: "string", enum: EXECUTION_MODES, required: true },
      to,
      body,
      repo_path: { type: "string" },
      base_ref: { type: "string" },
      idempotency_key: { type: "string" },
    },
  },
  {
    name: "status",
    description: "Reconcile, then tasks, attempts and latest messages",
    command: ["orch", "status"],
    params: { run },
  },
  {
    name: "wait",
    description: "Wait for run events after the cursor (default: task_* and run_* events)",
    command: ["orch", "wait"],
    params: {
      run,
      for: { type: "strings", joined: true, description: "Event types" },
      after_event: { type: "integer" },
      timeout_seconds: { type: "integer", default: MCP_WAIT_SECONDS },
    },
  },
  {
    name: "blocked",
    description: "Blocked tasks with their questions",
    command: ["orch", "blocked"],
    params: { run },
  },
  {
    name: "answer",
    description: "Answer a blocked task (wakes the worker)",
    command: ["orch", "answer"],
    params: {
      run,
      task,
      body: { type: "string", required: true },
      payload: { type: "object", flag: "--payload-json" },
    },
  },
  {
    name: "retry",
    description: "New attempt for a failed, stale or needs-attention task, or one a merge left out",
    command: ["orch", "retry"],
    params: { run, task, to, body, base_ref: { type: "string" } },
  },
  {
    name: "reassign",
    description: "Cancel the current attempt; dispatch to another worker",
    command: ["orch", "reassign"],
    params: { run, task, to: { ...to, required: true }, body },
  },
  {
    name: "cancel",
    description: "Cancel a task, or the whole run without task",
    command: ["orch", "cancel"],
    params: { run, task: { type: "string" }, reason: { type: "string" } },
  },
  {
    name: "diff",
    description: "What a code attempt changed: files, commits, patch",
    command: ["orch", "diff"],
    params: { run, task, attempt: { type: "integer" }, stat: { type: "boolean" } },
  },
  {
    name: "merge",
    description: "Merge accepted code results into a branch, in dependency order",
    command: ["orch", "merge"],
    params: {
      run,
      into: { type: "string", required: true },
      tasks: { type: "strings", flag: "--task", description: "Default: every accepted task" },
      check: { type: "string", description: "sh command that must pass after each merge" },
      dry_run: { type: "boolean" },
      repo_path: { type: "string" },
    },
  },
  {
    name: "cleanup",
    description: "Remove finished attempts' worktrees and views; merged or empty branches too",
    command: ["orch", "cleanup"],
    params: {
      run,
      task: { type: "string", description: "Only this task (else all_completed)" },
      all_completed: { type: "boolean" },
      delete_branches: { type: "boolean" },
      force: { type: "boolean", description: "Dirty worktrees and unmerged branches too" },
    },
  },
  {
    name: "publish",
    description: "Push a code attempt's branch to a git remote, for a worker on another host",
    command: ["orch", "publish"],
    params: { run, task, remote: { type: "string", required: true }, attempt: { type: "integer" } },
  },
  {
    name: "collect",
    description: "Fetch a code attempt's branch back from a git remote (fast-forward only)",
    command: ["orch", "collect"],
    params: { run, task, remote: { type: "string", required: true }, attempt: { type: "integer" } },
  },
  {
    name: "thread",
    description: "A worker thread with all its messages",
    command: ["inbox", "show"],
    params: { thread: { type: "integer", required: true } },
  },
  {
    name: "search",
    description: 'Full-text search of subjects and bodies: words, "phrases", prefix*',
    command: ["inbox", "search"],
    params: {
      query: { type: "string", required: true, positional: true },
      run: { type: "string" },
      agent: { type: "string" },
      limit: { type: "integer" },
    },
  },
];
