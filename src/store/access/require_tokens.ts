import type { Db } from "../../storage/db.ts";
import { AppError } from "../../protocol/errors.ts";
import { type Clock, iso, systemClock } from "../clock.ts";
import { newToken, tokenHash } from "./token.ts";

/**
 * Puts the database in strict mode and creates the leader token, returned
 * here once (only its hash is stored). `null` when the database is already
 * strict: the leader token was shown when it was made. A database that
 * already holds threads is refused (`INVALID_STATE`): their workers have no
 * tokens.
 */
export async function requireTokens(db: Db, clock: Clock = systemClock): Promise<string | null> {
  return await db.write(async () => {
    if (await db.get("SELECT 1 FROM access_control WHERE singleton = 1")) return null;
    if (await db.get("SELECT 1 FROM threads LIMIT 1")) {
      throw new AppError(
        "INVALID_STATE",
        "Cannot require tokens on a database that already has threads: their workers hold no tokens; start a new database",
      );
    }
    const token = newToken();
    await db.run(
      "INSERT INTO access_control (singleton, leader_token_sha256, created_at) VALUES (1, ?, ?)",
      tokenHash(token),
      iso(clock.now()),
    );
    return token;
  });
}
