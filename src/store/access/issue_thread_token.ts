import type { Db } from "../../storage/db.ts";
import { type Clock, iso, systemClock } from "../clock.ts";
import { newToken, tokenHash } from "./token.ts";

/**
 * Issues the token of the worker `agent` on thread `threadId`, returned
 * once (only its hash is stored). Issuing again replaces the old token, so
 * a leader that lost the first one (a replayed dispatch) gets a working one.
 */
export async function issueThreadToken(
  db: Db,
  threadId: number,
  options: { agent: string; clock?: Clock },
): Promise<string> {
  const token = newToken();
  await db.write(() =>
    db.run(
      `INSERT INTO thread_tokens (thread_id, agent, token_sha256, created_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (thread_id) DO UPDATE SET agent = excluded.agent,
         token_sha256 = excluded.token_sha256, created_at = excluded.created_at`,
      threadId,
      options.agent,
      tokenHash(token),
      iso((options.clock ?? systemClock).now()),
    )
  );
  return token;
}
