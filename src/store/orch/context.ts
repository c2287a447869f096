/**
 * What every orch store operation is handed: the database, the clock, the
 * inbox it writes worker threads through, and git workspaces (code mode
 * only). {@linkcode OrchStore} is one; an operation calls the others with the
 * context it was given.
 *
 * @module
 */

import type { Db } from "../../storage/db.ts";
import { type Clock, iso } from "../clock.ts";
import type { InboxStore } from "../inbox_store.ts";
import type { WorkspaceProvider } from "../orch_types.ts";

/** The agent name orch writes inbox threads as. */
export const LEADER_AGENT = "orch";

/** The database, clock, inbox and (code mode) workspaces an orch operation runs with. */
export interface OrchContext {
  readonly db: Db;
  readonly clock: Clock;
  readonly inbox: InboxStore;
  readonly workspaces: WorkspaceProvider | undefined;
}

/** The context clock's time as stored (ISO 8601). */
export function nowIso(ctx: Pick<OrchContext, "clock">): string {
  return iso(ctx.clock.now());
}
