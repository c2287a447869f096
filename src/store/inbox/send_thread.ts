import { iso } from "../clock.ts";
import { requireText } from "../require_text.ts";
import { addArtifacts } from "./add_artifacts.ts";
import { addMessage } from "./add_message.ts";
import type { InboxContext } from "./context.ts";
import { getThread } from "./get_thread.ts";
import type { SendInput, SendResult } from "./inbox_io.ts";
import { replaySend } from "./replay_send.ts";
import { checkArtifacts } from "./size_checks.ts";
import { threadEvent } from "./thread_event.ts";
import { threadFromRow } from "./thread_row.ts";

/**
 * Creates a thread and its first message (type `task` or `note`). With an
 * idempotency key already used, returns that send instead (see replaySend).
 */
export async function sendThread(ctx: InboxContext, input: SendInput): Promise<SendResult> {
  const db = ctx.db;
  checkArtifacts(input.artifacts);
  requireText(input.subject, "subject");
  return await db.write(async () => {
    if (input.idempotencyKey !== undefined) {
      const prior = await db.get(
        "SELECT * FROM threads WHERE idempotency_key = ?",
        input.idempotencyKey,
      );
      if (prior) return replaySend(ctx, threadFromRow(prior), input);
    }
    const now = iso(ctx.clock.now());
    const kind = input.kind ?? "task";
    const threadId = Number(
      (await db.get<{ id: number }>(
        `INSERT INTO threads (kind, from_agent, to_agent, subject, status, idempotency_key,
           result_contract, run_id, task_id, attempt_id, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
        kind,
        input.from,
        input.to,
        input.subject,
        input.closed ? "done" : "open",
        input.idempotencyKey ?? null,
        input.resultContract ?? null,
        input.runId ?? null,
        input.taskId ?? null,
        input.attemptId ?? null,
        now,
        now,
      ))!.id,
    );
    const thread = await getThread(ctx, threadId);
    const message = await addMessage(ctx, thread, {
      from: input.from,
      type: kind === "note" ? "note" : "task",
      body: input.body,
      payload: input.payload,
      ts: now,
    });
    await threadEvent(ctx, thread, now, "thread_created", {
      from: input.from,
      to: input.to,
      subject: input.subject,
      kind,
      message_id: message.id,
    });
    // After thread_created, so an event reader never sees an artifact of an unknown thread.
    const artifacts = await addArtifacts(ctx, { thread, message, now }, input.artifacts);
    return { thread, message, artifacts, replayed: false };
  });
}
