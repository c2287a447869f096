import type { Db } from "../../storage/db.ts";
import type { Clock } from "../clock.ts";

/**
 * What every inbox operation is handed: the store connection and the clock.
 * Inside a transaction `db` joins it (see {@linkcode Db.write}), so an
 * operation called from another operation's transaction runs in it.
 */
export interface InboxContext {
  readonly db: Db;
  readonly clock: Clock;
}
