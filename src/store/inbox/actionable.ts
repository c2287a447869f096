import { FINAL_STATUSES } from "../inbox_types.ts";

/**
 * SQL over `m` (a message to an agent) and `t` (its thread): the message is
 * actionable for its addressee (see fetchMessages).
 */
export const ACTIONABLE_SQL = `(t.status NOT IN (${
  FINAL_STATUSES.map((s) => `'${s}'`).join(", ")
}) OR t.from_agent = m.to_agent)`;
