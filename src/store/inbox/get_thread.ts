import { AppError } from "../../protocol/errors.ts";
import type { Thread } from "../inbox_types.ts";
import type { InboxContext } from "./context.ts";
import { threadFromRow } from "./thread_row.ts";

/** The thread, or `THREAD_NOT_FOUND`. */
export async function getThread(ctx: InboxContext, threadId: number): Promise<Thread> {
  const row = await ctx.db.get("SELECT * FROM threads WHERE id = ?", threadId);
  if (!row) {
    throw new AppError("THREAD_NOT_FOUND", `Thread ${threadId} does not exist`, {
      thread_id: threadId,
    });
  }
  return threadFromRow(row);
}
