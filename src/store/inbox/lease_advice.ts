/** What a worker that lost its lease does (the inbox skill says the same). */
export const LEASE_LOST_ADVICE =
  "stop working on it, and claim it again only if the leader tells you to";
