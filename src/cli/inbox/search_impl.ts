import { searchInbox } from "../../store/inbox/search.ts";
import type { CliContext } from "../context.ts";
import { respond } from "../respond.ts";

/** `inbox search WORDS...`: ranked full-text hits with snippets. */
export function search(
  this: CliContext,
  flags: { agent?: string; run?: string; limit?: number },
  ...words: string[]
): Promise<void> {
  return respond(this, async () => {
    const query = words.join(" ");
    const hits = await searchInbox(await this.openDb(), query, {
      ...(flags.agent !== undefined ? { agent: flags.agent } : {}),
      ...(flags.run !== undefined ? { runId: flags.run } : {}),
      ...(flags.limit !== undefined ? { limit: flags.limit } : {}),
    });
    return {
      json: { query, hits },
      text: hits.length
        ? hits.map((h) =>
          `thread ${h.thread_id}${
            h.message_id !== null ? ` message ${h.message_id}` : ""
          } [${h.thread_status}] ${h.subject}\n  ${h.snippet.replace(/\s+/g, " ")}`
        ).join("\n")
        : `No matches for "${query}"`,
    };
  });
}
