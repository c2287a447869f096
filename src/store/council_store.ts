import { mapSeq } from "./map_seq.ts";
import { AppError } from "../protocol/errors.ts";
import type { Attempt, Run } from "./orch_types.ts";
import { type DispatchResult, LEADER_AGENT, OrchStore } from "./orch_store.ts";
import type { ArtifactMeta, Thread } from "./inbox_types.ts";

import { COUNCIL_CONTRACT } from "../protocol/contracts.ts";
import { sha256Hex } from "./sha256.ts";
import { markCouncilRun } from "./council/mark_council_run.ts";
import { lastMessageOfType } from "./inbox/last_message_of_type.ts";

export const DEFAULT_REVIEWERS = ["reviewer-1", "reviewer-2", "reviewer-3"] as const;

/** One reviewer's state, as the tally needs it. */
export interface CouncilReviewer {
  reviewer: string;
  task_id: string;
  attempt: Attempt | null;
  status: "done" | "failed" | "pending" | "cancelled";
  /** The reviewer's `done` payload, when done. */
  result: unknown;
  error?: string;
}

/** The brief every reviewer gets, with the result contract spelled out. */
export function reviewerBrief(topic: string, body: string, repoPath: string | undefined): string {
  return [
    `Council review: ${topic}`,
    "",
    body,
    "",
    repoPath ? `Repository to review (read only): ${repoPath}\n` : "",
    "Brainstorm independently; the other reviewers get the same brief. Finish with",
    "`inbox done --payload-json '<result>'` where the result is a JSON object:",
    "",
    '{"summary": "one paragraph", "recommendations": [',
    '  {"title": "Short imperative title", "summary": "what to do", "rationale": "why",',
    '   "key": "optional-stable-slug", "severity": "low|medium|high|critical", "priority": 1}',
    "]}",
    "",
    "A result that does not match is rejected with what to fix; the thread stays yours, so send it again.",
  ].join("\n");
}

/**
 * The council workflow's data side, on top of {@linkcode OrchStore}: a run of
 * kind `council` with one analysis task per reviewer.
 */
export class CouncilStore {
  readonly orch: OrchStore;

  constructor(orch: OrchStore) {
    this.orch = orch;
  }

  /**
   * Creates the run (or reuses an active council run with no tasks yet), one
   * review task per reviewer, and dispatches them, all in one transaction.
   */
  async start(input: {
    runId: string;
    topic: string;
    body: string;
    reviewers: readonly string[];
    repoPath?: string;
  }): Promise<{ run: Run; dispatches: DispatchResult[] }> {
    const repeated = input.reviewers.filter((r, i) => input.reviewers.indexOf(r) !== i);
    if (repeated.length > 0) {
      throw new AppError(
        "USAGE",
        `Each reviewer may be named once: ${[...new Set(repeated)].join(", ")} is repeated`,
        { reviewers: input.reviewers, repeated: [...new Set(repeated)] },
      );
    }
    if (input.reviewers.length < 2) {
      throw new AppError(
        "USAGE",
        "A council needs at least two distinct reviewers (three by default)",
        { reviewers: input.reviewers },
      );
    }
    return await this.orch.db.write(async () => {
      const run = await this.#findRun(input.runId);
      if (!run) {
        await this.orch.createRun({
          runId: input.runId,
          goal: `Council review: ${input.topic}`,
          summary: input.body,
          kind: "council",
          meta: { topic: input.topic, reviewers: input.reviewers },
        });
      } else {
        const tasks = (await this.orch.countTasks(input.runId)).total;
        if (run.status !== "active" || tasks > 0) {
          throw new AppError(
            "INVALID_STATE",
            `Run "${input.runId}" already exists with tasks (or is ${run.status}): start a council on a new run id`,
            { run_id: input.runId, status: run.status, tasks },
          );
        }
        await markCouncilRun(this.orch.db, input);
      }
      const brief = reviewerBrief(input.topic, input.body, input.repoPath);
      const dispatches = await mapSeq(input.reviewers, async (reviewer, i) => {
        const taskId = `review-${i + 1}`;
        await this.orch.addTask({
          runId: input.runId,
          taskId,
          title: `Review: ${input.topic}`,
          summary: brief,
          defaultTo: reviewer,
          executionMode: "analysis",
          acceptance: {
            kind: "council-review",
            result_contract: COUNCIL_CONTRACT,
            ...(input.repoPath ? { repo_path: input.repoPath } : {}),
          },
        });
        return this.orch.dispatch({
          runId: input.runId,
          taskId,
          mode: "analysis",
          to: reviewer,
          body: brief,
        });
      });
      return { run: await this.orch.getRun(input.runId), dispatches };
    });
  }

  /** The run, or null when there is none (any other failure is thrown). */
  async #findRun(runId: string): Promise<Run | null> {
    try {
      return await this.orch.getRun(runId);
    } catch (err) {
      if (err instanceof AppError && err.code === "RUN_NOT_FOUND") return null;
      throw err;
    }
  }

  /** The council's topic and reviewers with their current state (reconciles first). */
  async reviewers(
    runId: string,
  ): Promise<{ run: Run; topic: string; reviewers: CouncilReviewer[] }> {
    const run = await this.orch.getRun(runId);
    if (run.kind !== "council") {
      throw new AppError("INVALID_STATE", `Run "${runId}" is not a council run`, { run_id: runId });
    }
    await this.orch.reconcile(runId);
    return this.orch.db.read(async () => {
      const reviewers = await mapSeq(
        await this.orch.listTasks(runId),
        async (task): Promise<CouncilReviewer> => {
          const attempt = await this.orch.latestAttempt(runId, task.id);
          const reviewer = attempt?.assigned_to ?? task.default_to ?? task.id;
          const base = { reviewer, task_id: task.id, attempt, result: null };
          if (task.status === "done" && attempt) {
            const result = await lastMessageOfType(this.orch.inbox, {
              threadId: attempt.thread_id,
              types: ["result"],
            });
            return { ...base, status: "done", result: result?.payload ?? null };
          }
          if (task.status === "failed" || task.status === "cancelled") {
            const reason = attempt
              ? await lastMessageOfType(this.orch.inbox, {
                threadId: attempt.thread_id,
                types: ["failure", "cancel"],
              })
              : undefined;
            return {
              ...base,
              status: task.status,
              ...(reason?.body ? { error: reason.body } : {}),
            };
          }
          return { ...base, status: "pending" };
        },
      );
      const meta = run.meta as { topic?: string } | null;
      return { run, topic: meta?.topic ?? run.goal, reviewers };
    });
  }

  /**
   * Stores the rendered report as an artifact on a note thread of the run.
   * The same markdown again returns the report already stored (`reused`):
   * repeated `council report` calls do not pile up identical artifacts.
   */
  async saveReport(
    runId: string,
    topic: string,
    markdown: string,
  ): Promise<{ thread: Thread; artifact: ArtifactMeta; reused: boolean }> {
    const bytes = new TextEncoder().encode(markdown);
    const r = await this.orch.inbox.sendThread({
      idempotencyKey: `council-report:${runId}:${sha256Hex(bytes)}`,
      from: LEADER_AGENT,
      to: LEADER_AGENT,
      subject: `Council report: ${topic}`,
      body: `Council report for run ${runId}`,
      kind: "note",
      closed: true,
      artifacts: [{ name: `council-report-${runId}.md`, mediaType: "text/markdown", bytes }],
      runId,
    });
    return { thread: r.thread, artifact: r.artifacts[0]!, reused: r.replayed };
  }
}
