import { mapSeq } from "../../store/map_seq.ts";
import { resolve } from "../../path.ts";
import { renderCouncilReport } from "../../council/report.ts";
import { tallyRecommendations } from "../../council/tally.ts";
import type { CouncilAdjustment, Recommendation, Tally } from "../../council/types.ts";
import {
  councilAdjustments,
  recordCouncilAdjustment,
} from "../../store/council/council_adjustments.ts";
import { waitUntil } from "../../storage/wait_until.ts";
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

async function _council(ctx: CliContext): Promise<CouncilStore> {
  return new CouncilStore(await orchStore(ctx));
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
    const r = await (await _council(this)).start({
      runId: flags.run,
      topic: flags.topic,
      body: body!,
      reviewers: _reviewerList(flags.reviewers),
      ...(repoPath !== undefined ? { repoPath } : {}),
    });
    const attempts = r.dispatches.map((d) => d.attempt);
    // Strict mode: each reviewer's token, shown only here.
    const db = await this.openDb();
    const tokens = await requiresTokens(db)
      ? (await mapSeq(attempts, async (a) => ({
        reviewer: a.assigned_to,
        thread_id: a.thread_id,
        token: await issueThreadToken(db, a.thread_id, { agent: a.assigned_to, clock: this.clock }),
      })))
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
    const council = await _council(this);
    await council.reviewers(flags.run); // not found / not a council: fail before waiting
    const finished = await waitUntil(council.orch.db, async () => {
      const r = await council.reviewers(flags.run);
      return r.reviewers.every((x) => x.status !== "pending") ? r : undefined;
    }, { timeoutMs: (flags.timeoutSeconds ?? 60) * 1000 });
    const r = finished ?? await council.reviewers(flags.run);
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

/** The council's reviewers and their tally (the board shows it too). */
export async function councilTally(
  council: CouncilStore,
  runId: string,
  options: { threshold?: number | undefined; adjustments?: CouncilAdjustment[] } = {},
) {
  const r = await council.reviewers(runId);
  const adjustments = options.adjustments ?? await councilAdjustments(council.orch.db, runId);
  const tally = tallyRecommendations({
    ...(options.threshold !== undefined ? { threshold: options.threshold } : {}),
    adjustments,
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
    groups.map((g) =>
      `\n  - ${g.id} ${g.title} [${g.reviewers.join(", ")}] key ${g.key}${
        g.key_source === "reviewer" ? "" : ` (${g.key_source})`
      }${g.leader_note ? `; ${g.leader_note}` : ""}`
    ).join("");
  const adjustments = t.adjustments.map((a) =>
    `  - ${a.op === "merge" ? `merge ${a.keys.join(", ")}` : `split ${a.key}`}${
      a.applied ? "" : " (not applied: no such groups)"
    }`
  );
  return [
    `Counted ${t.reviewers_counted} of ${t.reviewers_total} reviewers (similarity threshold ${t.threshold.similarity})`,
    section("Consensus", t.consensus),
    section("Majority", t.majority),
    section("Minority", t.minority),
    ...(adjustments.length ? ["Leader adjustments", ...adjustments] : []),
  ].join("\n");
}

export function tally(
  this: CliContext,
  flags: { run: string; threshold?: number },
): Promise<void> {
  return respond(this, async () => {
    const r = await councilTally(await _council(this), flags.run, { threshold: flags.threshold });
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

/** The markdown report of a tallied council (src/council/report.ts). */
export function councilMarkdown(
  runId: string,
  r: Awaited<ReturnType<typeof councilTally>>,
): string {
  return renderCouncilReport({
    runId,
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
}

export function report(
  this: CliContext,
  flags: { run: string; out?: string; threshold?: number },
): Promise<void> {
  return respond(this, async () => {
    const council = await _council(this);
    const r = await councilTally(council, flags.run, { threshold: flags.threshold });
    const markdown = councilMarkdown(flags.run, r);
    if (flags.out !== undefined) await Deno.writeTextFile(flags.out, markdown);
    const saved = await council.saveReport(flags.run, r.topic, markdown);
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
          reused: saved.reused,
        },
        tally: r.tally,
      },
      text: flags.out !== undefined
        ? `Wrote ${flags.out} (artifact ${saved.artifact.id}${
          saved.reused ? ", the same report as before" : ""
        })`
        : markdown,
    };
  });
}

function _adjustmentsReply(runId: string, adjustments: CouncilAdjustment[]) {
  return {
    json: { run_id: runId, adjustments },
    text: adjustments.length
      ? `Leader adjustments of council ${runId}:\n` +
        adjustments.map((a, i) =>
          `  ${i + 1}. ${a.op === "merge" ? `merge ${a.keys.join(", ")}` : `split ${a.key}`}`
        ).join("\n")
      : `Council ${runId} has no leader adjustments`,
  };
}

/** Refuses keys that name no group of the current tally, listing the keys there are. */
function _requireKeys(t: Tally, keys: readonly string[]): void {
  const all = [...t.consensus, ...t.majority, ...t.minority].map((g) => g.key);
  const missing = keys.filter((k) => !all.includes(k));
  if (missing.length) {
    throw new AppError(
      "INVALID_INPUT",
      `No group has the key ${missing.map((k) => `"${k}"`).join(", ")}: the groups' keys are ${
        all.join(", ") || "(none)"
      }`,
      { missing, keys: all },
    );
  }
}

export function merge(
  this: CliContext,
  flags: { run: string; keys: string[]; threshold?: number },
): Promise<void> {
  return respond(this, async () => {
    const keys = [...new Set(flags.keys)];
    if (keys.length < 2) {
      throw new AppError("USAGE", "--keys needs at least two different group keys to merge");
    }
    const council = await _council(this);
    _requireKeys(
      (await councilTally(council, flags.run, { threshold: flags.threshold })).tally,
      keys,
    );
    const all = await recordCouncilAdjustment(
      council.orch.db,
      flags.run,
      { op: "merge", keys },
      this.clock,
    );
    return _adjustmentsReply(flags.run, all);
  });
}

export function split(
  this: CliContext,
  flags: { run: string; key: string; threshold?: number },
): Promise<void> {
  return respond(this, async () => {
    const council = await _council(this);
    _requireKeys((await councilTally(council, flags.run, { threshold: flags.threshold })).tally, [
      flags.key,
    ]);
    const all = await recordCouncilAdjustment(
      council.orch.db,
      flags.run,
      { op: "split", key: flags.key },
      this.clock,
    );
    return _adjustmentsReply(flags.run, all);
  });
}

export function adjustments(
  this: CliContext,
  flags: { run: string; clear?: boolean },
): Promise<void> {
  return respond(this, async () => {
    const council = await _council(this);
    await council.reviewers(flags.run); // not found / not a council
    const all = flags.clear
      ? await recordCouncilAdjustment(council.orch.db, flags.run, undefined, this.clock)
      : await councilAdjustments(council.orch.db, flags.run);
    return _adjustmentsReply(flags.run, all);
  });
}
