/**
 * "The database is busy", told once for the SQLite backend. node:sqlite (in
 * Deno) puts SQLite's extended result code in `errcode` on the errors of
 * prepared statements; errors of `exec` carry only the generic `code`
 * `ERR_SQLITE_ERROR` and SQLite's message, so the message (SQLite's fixed
 * English text, sqlite3ErrStr) is the fallback for those alone.
 */
import { AppError } from "../../protocol/errors.ts";

/** SQLITE_BUSY: another connection holds the lock (extended: BUSY_RECOVERY, BUSY_SNAPSHOT, ...). */
const _SQLITE_BUSY = 5;
/** SQLITE_LOCKED: a table is locked within the same connection (shared cache, or a pending read). */
const _SQLITE_LOCKED = 6;
/** The primary result code is the low byte of an extended one. */
const _PRIMARY_MASK = 0xff;
/** node:sqlite's `code` on every error SQLite returned. */
const _NODE_SQLITE_ERROR = "ERR_SQLITE_ERROR";
/** sqlite3ErrStr(SQLITE_BUSY) and sqlite3ErrStr(SQLITE_LOCKED), for errors without `errcode`. */
const _BUSY_TEXT = /^database (table )?is locked\b/;

/** True when `err` is SQLite saying another writer (or reader) is in the way: retry later. */
export function isSqliteBusy(err: unknown): boolean {
  if (err === null || typeof err !== "object") return false;
  const { errcode, code } = err as { errcode?: unknown; code?: unknown };
  if (typeof errcode === "number") {
    const primary = errcode & _PRIMARY_MASK;
    return primary === _SQLITE_BUSY || primary === _SQLITE_LOCKED;
  }
  return code === _NODE_SQLITE_ERROR && err instanceof Error && _BUSY_TEXT.test(err.message);
}

/** `err` as `STORAGE_BUSY` when SQLite reported busy; anything else unchanged. */
export function busyFailure(err: unknown): unknown {
  if (!isSqliteBusy(err)) return err;
  const failure = new AppError(
    "STORAGE_BUSY",
    `The database stayed busy: ${(err as Error).message}`,
  );
  failure.cause = err;
  return failure;
}
