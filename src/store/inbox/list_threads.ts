import type { Thread, ThreadStatus } from "../inbox_types.ts";
import type { InboxContext } from "./context.ts";
import { threadFromRow } from "./thread_row.ts";

/** Threads listed when no limit is given. */
export const DEFAULT_LIST_LIMIT = 50;

/** Threads, newest first, optionally where `agent` is a participant and/or with a status. */
export async function listThreads(
  ctx: InboxContext,
  options: { agent?: string; status?: ThreadStatus; limit?: number } = {},
): Promise<Thread[]> {
  const limit = options.limit ?? DEFAULT_LIST_LIMIT;
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (options.agent !== undefined) {
    where.push("(to_agent = ? OR from_agent = ?)");
    params.push(options.agent, options.agent);
  }
  if (options.status !== undefined) {
    where.push("status = ?");
    params.push(options.status);
  }
  const sql = `SELECT * FROM threads ${
    where.length ? "WHERE " + where.join(" AND ") : ""
  } ORDER BY id DESC LIMIT ?`;
  return (await ctx.db.all(sql, ...params, limit)).map(threadFromRow);
}
