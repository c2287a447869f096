import type { CommandContext } from "@stricli/core";
import type { Db } from "../storage/db.ts";
import type { Clock } from "../store/clock.ts";
import type { GlobalFlags } from "./argv.ts";
import type { BoundedRead } from "./read_bounded.ts";

/** A place to write text. */
export interface Out {
  write(text: string): void;
  /** Writes raw bytes (`artifact get` to stdout); a closed reader is ignored like in `write`. */
  writeBytes(bytes: Uint8Array): void;
}

/**
 * What every command implementation receives as `this`: the global flags,
 * output streams, the clock, stdin, and a lazily opened database. Tests may
 * build one directly.
 */
export interface CliContext extends CommandContext {
  readonly process: { stdout: Out; stderr: Out };
  readonly program: "inbox" | "orch";
  readonly global: GlobalFlags;
  readonly clock: Clock;
  /** Opens (once) the database named by --db. */
  openDb(options?: { init?: boolean }): Promise<Db>;
  /** Reads stdin, at most `limit` bytes (more is `tooLarge`, the rest left unread). */
  readStdin(limit: number): Promise<BoundedRead>;
  /** Exit status the program ends with. */
  exitCode: number;
}
