import { LATEST_SCHEMA_VERSION } from "../db/migrations.ts";
import { schemaVersion } from "../db/open_db.ts";
import type { CliContext } from "./context.ts";
import { respond } from "./respond.ts";

/**
 * `inbox init` and `orch init`: create the database (or upgrade it) and
 * apply migrations. Both programs have it, so a leader's first command needs
 * no inbox binary.
 */
export function init(this: CliContext): Promise<void> {
  return respond(this, () => {
    const db = this.openDb({ init: true });
    const version = schemaVersion(db);
    return {
      json: { db: db.path, schema_version: version, latest_schema_version: LATEST_SCHEMA_VERSION },
      text: `Initialised ${db.path} (schema version ${version})`,
    };
  });
}
