import { z } from "zod";

/** Any JSON object (payloads, acceptance criteria). */
export const JsonObjectSchema = z.record(z.string(), z.unknown());

const _BriefAttemptSchema = z.object({
  id: z.number().int(),
  run_id: z.string(),
  task_id: z.string(),
  n: z.number().int(),
  assigned_to: z.string(),
  thread_id: z.number().int(),
  execution_mode: z.enum(["analysis", "code"]),
  worktree_path: z.string().nullable().optional(),
  branch_name: z.string().nullable().optional(),
  base_ref: z.string().nullable().optional(),
  base_commit: z.string().nullable().optional(),
  start_commit: z.string().nullable().optional(),
});

/** The parts of `orch --json dispatch` output the worker brief needs. */
export const DispatchOutputSchema = z.object({
  ok: z.literal(true),
  token: z.string().optional(),
  message: z.object({ body: z.string(), payload: z.unknown().optional() }).optional(),
  task: z.object({
    title: z.string(),
    summary: z.string(),
    acceptance: z.unknown().optional(),
  }),
  attempt: _BriefAttemptSchema,
});

/** The parts of `orch --json council start` output the worker brief needs: one attempt per reviewer. */
export const CouncilStartOutputSchema = z.object({
  ok: z.literal(true),
  attempts: z.array(_BriefAttemptSchema).min(1),
  tokens: z.array(z.object({ reviewer: z.string(), token: z.string() })).optional(),
});
