import { LATEST_SCHEMA_VERSION } from "../storage/schema_version.ts";
import { requiresTokens } from "../store/access/access_mode.ts";
import { requireTokens } from "../store/access/require_tokens.ts";
import type { CliContext } from "./context.ts";
import { respond } from "./respond.ts";

/**
 * `inbox init` and `orch init`: create the database (or upgrade it) and
 * apply migrations. Both programs have it, so a leader's first command needs
 * no inbox binary.
 */
export function init(this: CliContext, flags: { requireTokens?: boolean } = {}): Promise<void> {
  return respond(this, async () => {
    const db = await this.openDb({ init: true });
    const version = await db.schemaVersion();
    // Shown here once; only its hash is kept.
    const leaderToken = flags.requireTokens ? await requireTokens(db, this.clock) : null;
    const strict = await requiresTokens(db);
    return {
      json: {
        db: db.label,
        schema_version: version,
        latest_schema_version: LATEST_SCHEMA_VERSION,
        require_tokens: strict,
        ...(leaderToken !== null ? { leader_token: leaderToken } : {}),
      },
      text: `Initialised ${db.label} (schema version ${version}${
        strict ? ", tokens required" : ""
      })${
        leaderToken !== null
          ? `\nLeader token (shown once; set ORCH_TOKEN to it for orch): ${leaderToken}`
          : ""
      }`,
    };
  });
}
