/**
 * "The database is busy", told once for the SQLite backend, by SQLite's
 * result code (sqlite_failure.ts reads it, from `errcode` or, for errors of
 * `exec` that carry none, from SQLite's message).
 */
import { AppError } from "../../protocol/errors.ts";
import { SQLITE_CODE, sqliteResultCode } from "./sqlite_failure.ts";

/**
 * True when `err` is SQLite saying another writer (or reader) is in the way:
 * SQLITE_BUSY (another connection holds the lock; extended: BUSY_RECOVERY,
 * BUSY_SNAPSHOT, ...) or SQLITE_LOCKED (a table locked within the same
 * connection). Retry later.
 */
export function isSqliteBusy(err: unknown): boolean {
  const code = sqliteResultCode(err);
  return code === SQLITE_CODE.BUSY || code === SQLITE_CODE.LOCKED;
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
