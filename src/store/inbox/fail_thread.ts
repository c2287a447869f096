import type { InboxContext } from "./context.ts";
import { finishThread } from "./finish_thread.ts";
import type { FinishInput, ThreadChange } from "./inbox_io.ts";

/** Finishes the holder's thread as failed, with the reason. */
export async function failThread(ctx: InboxContext, input: FinishInput): Promise<ThreadChange> {
  return await finishThread(ctx, input, { status: "failed", type: "failure" });
}
