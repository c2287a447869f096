/**
 * Council review: the reviewer result contract, the tally and the report.
 *
 * Importing this module loads zod (through `contract.ts`). Read paths that
 * only tally or render should import `tally.ts` / `report.ts` directly.
 *
 * @module
 */

export * from "./contract.ts";
export * from "./report.ts";
export * from "./tally.ts";
export * from "./title_tokens.ts";
export type * from "./types.ts";
