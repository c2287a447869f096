import type { InboxContext } from "./context.ts";
import { finishThread } from "./finish_thread.ts";
import type { FinishInput, ThreadChange } from "./inbox_io.ts";

/** Finishes the holder's thread as done, with an optional result payload and artifacts. */
export async function completeThread(
  ctx: InboxContext,
  input: FinishInput,
): Promise<ThreadChange> {
  return await finishThread(ctx, input, { status: "done", type: "result" });
}
