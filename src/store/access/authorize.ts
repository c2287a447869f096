import type { Db } from "../../storage/db.ts";
import { AppError } from "../../protocol/errors.ts";

/**
 * What a command is about to do, for {@linkcode authorize}:
 * - `leader`: an orch command;
 * - `thread`: a write on one thread as `agent`;
 * - `agent`: a write in `agent`'s name on no single thread (fetch, send).
 */
export type Access =
  | { kind: "leader" }
  | { kind: "thread"; threadId: number; agent: string }
  | { kind: "agent"; agent: string };

/**
 * In strict mode, checks that `token` allows `access`, else throws
 * `FORBIDDEN`; outside strict mode everything is allowed. The leader token
 * allows everything; a thread token allows writes on its thread and in its
 * agent's name, as that agent only. Returns the thread the token was issued
 * for (when it is a thread token), so `claim` without `--thread` can take it.
 */
export async function authorize(
  db: Db,
  token: string | undefined,
  access: Access,
): Promise<number | undefined> {
  const control = await db.get(
    "SELECT leader_token_sha256 FROM access_control WHERE singleton = 1",
  );
  if (!control) return undefined;
  if (token === undefined || token === "") {
    throw new AppError(
      "FORBIDDEN",
      "This database requires a token and none was given",
      { reason: "token_missing" },
    );
  }
  // Loaded only in strict mode: every other database skips the hashing modules.
  const hash = (await import("./token.ts")).tokenHash(token);
  if (hash === control["leader_token_sha256"]) return undefined;
  const row = await db.get<{ thread_id: number; agent: string }>(
    "SELECT thread_id, agent FROM thread_tokens WHERE token_sha256 = ?",
    hash,
  );
  if (!row) {
    throw new AppError("FORBIDDEN", "The token is not valid for this database", {
      reason: "token_unknown",
    });
  }
  const threadId = Number(row.thread_id);
  switch (access.kind) {
    case "leader":
      throw new AppError("FORBIDDEN", "This command needs the leader token", {
        reason: "leader_only",
      });
    case "thread":
      if (threadId !== access.threadId || row.agent !== access.agent) {
        throw new AppError(
          "FORBIDDEN",
          `The token does not allow agent "${access.agent}" to write on thread ${access.threadId}`,
          { reason: "wrong_token", thread_id: access.threadId, agent: access.agent },
        );
      }
      return threadId;
    case "agent":
      if (row.agent !== access.agent) {
        throw new AppError(
          "FORBIDDEN",
          `The token does not allow acting as agent "${access.agent}"`,
          { reason: "wrong_token", agent: access.agent },
        );
      }
      return threadId;
    default: {
      const never: never = access;
      return never;
    }
  }
}
