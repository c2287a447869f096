import { resolve } from "node:path";
import { renderCouncilReport } from "../../council/report.ts";
import { tallyRecommendations } from "../../council/tally.ts";
import type { Recommendation, Tally } from "../../council/types.ts";
import { waitUntil } from "../../db/wait_until.ts";
import { AppError } from "../../protocol/errors.ts";
import {
  type CouncilReviewer,
  CouncilStore,
  DEFAULT_REVIEWERS,
} from "../../store/council_store.ts";
import type { CliContext } from "../context.ts";
import { readBody } from "../input.ts";
import { requiresTokens } from "../../store/access/access_mode.ts";
import { issueThreadToken } from "../../store/access/issue_thread_token.ts";
import { agentParser } from "../parsers.ts";
import { table } from "../render.ts";
import { respond } from "../respond.ts";
import { orchStore } from "./impl.ts";

function _council(ctx: CliContext): CouncilStore {
  return new CouncilStore(orchStore(ctx));
}

function _reviewerList(value: string | undefined): string[] {
  if (value === undefined) return [...DEFAULT_REVIEWERS];
  return value.split(",").map((s) => s.trim()).filter(Boolean).map((name) => {
    try {
      return agentParser(name);
    } catch (err) {
      throw new AppError("USAGE", `--reviewers: ${(err as Error).message}`);
    }
  });
}

export function start(
  this: CliContext,
  flags: {
    run: string;
    topic: string;
    body?: string;
    bodyFile?: string;
    reviewers?: string;
    repoPath?: string;
  },
): Promise<void> {
  return respond(this, async () => {
    const body = await readBody(this, flags, { required: true, what: "review brief" });
    const repoPath = flags.repoPath === undefined ? undefined : await _directory(flags.repoPath);
    const r = _council(this).start({
      runId: flags.run,
      topic: flags.topic,
      body: body!,
      reviewers: _reviewerList(flags.reviewers),
      ...(repoPath !== undefined ? { repoPath } : {}),
    });
    const attempts = r.dispatches.map((d) => d.attempt);
    // Strict mode: each reviewer's token, shown only here.
    const db = this.openDb();
    const tokens = requiresTokens(db)
      ? attempts.map((a) => ({
        reviewer: a.assigned_to,
        thread_id: a.thread_id,
        token: issueThreadToken(db, a.thread_id, { agent: a.assigned_to, clock: this.clock }),
      }))
      : undefined;
    return {
      json: { run: r.run, attempts, ...(tokens ? { tokens } : {}) },
      text: `Council ${r.run.id} started: ${flags.topic}\n` +
        table(
          ["TASK", "REVIEWER", "THREAD"],
          attempts.map((a) => [a.task_id, a.assigned_to, a.thread_id]),
        ),
    };
  });
}

/** `path` as an absolute directory, or INVALID_INPUT: reviewers are told to read it. */
async function _directory(path: string): Promise<string> {
  const abs = resolve(path);
  try {
    if ((await Deno.stat(abs)).isDirectory) return abs;
  } catch { /* reported below */ }
  throw new AppError("INVALID_INPUT", `--repo-path "${path}" is not a directory`, { path });
}

function _summaries(reviewers: CouncilReviewer[]) {
  return reviewers.map((r) => ({
    reviewer: r.reviewer,
    task_id: r.task_id,
    status: r.status,
    thread_id: r.attempt?.thread_id ?? null,
    ...(r.error !== undefined ? { error: r.error } : {}),
  }));
}

export function wait(
  this: CliContext,
  flags: { run: string; timeoutSeconds?: number },
): Promise<void> {
  return respond(this, async () => {
    const council = _council(this);
    council.reviewers(flags.run); // not found / not a council: fail before waiting
    const finished = await waitUntil(council.orch.db, () => {
      const r = council.reviewers(flags.run);
      return r.reviewers.every((x) => x.status !== "pending") ? r : undefined;
    }, { timeoutMs: (flags.timeoutSeconds ?? 60) * 1000 });
    const r = finished ?? council.reviewers(flags.run);
    const reviewers = _summaries(r.reviewers);
    return {
      json: { run_id: flags.run, timed_out: finished === undefined, reviewers },
      text: (finished ? "All reviewers finished\n" : "Timed out; reviewers so far:\n") +
        table(
          ["REVIEWER", "STATUS", "THREAD"],
          reviewers.map((x) => [x.reviewer, x.status, x.thread_id]),
        ),
    };
  });
}

function _tally(council: CouncilStore, runId: string) {
  const r = council.reviewers(runId);
  const tally = tallyRecommendations({
    reviewers: r.reviewers.map((x) => {
      const result = x.result as { recommendations?: Recommendation[] } | null;
      return {
        reviewer: x.reviewer,
        status: x.status,
        ...(x.status === "done" && Array.isArray(result?.recommendations)
          ? { recommendations: result.recommendations }
          : {}),
        ...(x.error !== undefined ? { error: x.error } : {}),
      };
    }),
  });
  return { ...r, tally };
}

function _tallyText(t: Tally): string {
  const section = (name: string, groups: Tally["consensus"]) =>
    `${name} (${groups.length})` +
    groups.map((g) => `\n  - ${g.title} [${g.reviewers.join(", ")}]`).join("");
  return [
    `Counted ${t.reviewers_counted} of ${t.reviewers_total} reviewers`,
    section("Consensus", t.consensus),
    section("Majority", t.majority),
    section("Minority", t.minority),
  ].join("\n");
}

export function tally(this: CliContext, flags: { run: string }): Promise<void> {
  return respond(this, () => {
    const r = _tally(_council(this), flags.run);
    return {
      json: {
        run_id: flags.run,
        topic: r.topic,
        reviewers: _summaries(r.reviewers),
        tally: r.tally,
      },
      text: _tallyText(r.tally),
    };
  });
}

export function report(this: CliContext, flags: { run: string; out?: string }): Promise<void> {
  return respond(this, async () => {
    const council = _council(this);
    const r = _tally(council, flags.run);
    const markdown = renderCouncilReport({
      runId: flags.run,
      topic: r.topic,
      tally: r.tally,
      reviewers: r.reviewers.map((x) => {
        const result = x.result as { summary?: string; recommendations?: Recommendation[] } | null;
        return {
          reviewer: x.reviewer,
          status: x.status,
          ...(result?.summary !== undefined ? { summary: result.summary } : {}),
          ...(Array.isArray(result?.recommendations)
            ? { recommendations: result.recommendations }
            : {}),
          ...(x.error !== undefined ? { error: x.error } : {}),
        };
      }),
    });
    if (flags.out !== undefined) await Deno.writeTextFile(flags.out, markdown);
    const saved = council.saveReport(flags.run, r.topic, markdown);
    return {
      json: {
        run_id: flags.run,
        topic: r.topic,
        report: {
          artifact_id: saved.artifact.id,
          thread_id: saved.thread.id,
          size: saved.artifact.size,
          sha256: saved.artifact.sha256,
          out: flags.out ?? null,
        },
        tally: r.tally,
      },
      text: flags.out !== undefined
        ? `Wrote ${flags.out} (artifact ${saved.artifact.id})`
        : markdown,
    };
  });
}
