import type { InboxContext } from "./context.ts";

/** The highest message id, 0 when there are none. */
export async function latestMessageId(ctx: InboxContext): Promise<number> {
  return Number(
    (await ctx.db.get("SELECT COALESCE(MAX(id), 0) AS m FROM messages"))?.["m"] ?? 0,
  );
}
