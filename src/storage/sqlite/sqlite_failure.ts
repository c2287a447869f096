/**
 * What a SQLite error means, told once for the SQLite backend: its primary
 * result code (sqlite3.h), and the storage failures a user can fix (full
 * disk, read-only file, unopenable file, I/O error, damaged file, a file that
 * is not a database) as `STORAGE_ERROR` with `details.reason`.
 *
 * node:sqlite (in Deno 2.9.6) puts SQLite's extended result code in `errcode`
 * (and its text in `errstr`) on the errors of prepared statements; errors of
 * `exec` and of opening a `DatabaseSync` carry only the generic `code`
 * `ERR_SQLITE_ERROR` and SQLite's message. For those alone the message is
 * matched against SQLite's fixed English texts (sqlite3ErrStr), here and
 * nowhere else.
 */
import { AppError, type StorageFailureReason } from "../../protocol/errors.ts";

/** The SQLite primary result codes this backend tells apart (sqlite3.h). */
export const SQLITE_CODE = {
  BUSY: 5,
  LOCKED: 6,
  READONLY: 8,
  IOERR: 10,
  CORRUPT: 11,
  FULL: 13,
  CANTOPEN: 14,
  NOTADB: 26,
} as const;

/** The primary result code is the low byte of an extended one (e.g. SQLITE_IOERR_WRITE = 778). */
const _PRIMARY_MASK = 0xff;
/** node:sqlite's `code` on every error SQLite returned. */
const _NODE_SQLITE_ERROR = "ERR_SQLITE_ERROR";

/**
 * SQLite's messages for the codes above, for errors without `errcode`: the
 * message starts with one (opening adds ": <path>", a failed migration " in
 * <sql>").
 */
const _TEXTS: ReadonlyArray<readonly [RegExp, number]> = [
  [/^database is locked\b/, SQLITE_CODE.BUSY],
  [/^database table is locked\b/, SQLITE_CODE.LOCKED],
  [/^attempt to write a readonly database\b/, SQLITE_CODE.READONLY],
  [/^disk I\/O error\b/, SQLITE_CODE.IOERR],
  [/^database disk image is malformed\b/, SQLITE_CODE.CORRUPT],
  [/^malformed database schema\b/, SQLITE_CODE.CORRUPT],
  [/^database or disk is full\b/, SQLITE_CODE.FULL],
  [/^unable to open database\b/, SQLITE_CODE.CANTOPEN], // "... file", or ": <path>" (ATTACH)
  [/^file is not a database\b/, SQLITE_CODE.NOTADB],
];

/**
 * SQLite's primary result code for `err`: from its `errcode`, or for a
 * node:sqlite error without one, from its message (only the codes in
 * {@linkcode SQLITE_CODE}); undefined for anything else.
 */
export function sqliteResultCode(err: unknown): number | undefined {
  if (err === null || typeof err !== "object") return undefined;
  const { errcode, code } = err as { errcode?: unknown; code?: unknown };
  if (typeof errcode === "number") return errcode & _PRIMARY_MASK;
  if (code !== _NODE_SQLITE_ERROR || !(err instanceof Error)) return undefined;
  return _TEXTS.find(([text]) => text.test(err.message))?.[1];
}

const _REASONS: Readonly<Partial<Record<number, StorageFailureReason>>> = {
  [SQLITE_CODE.FULL]: "disk_full",
  [SQLITE_CODE.READONLY]: "read_only",
  [SQLITE_CODE.CANTOPEN]: "cannot_open",
  [SQLITE_CODE.IOERR]: "io_error",
  [SQLITE_CODE.CORRUPT]: "corrupt",
  [SQLITE_CODE.NOTADB]: "not_a_database",
};

/** What to do about each, said to the user. */
const _ADVICE: Record<StorageFailureReason, string> = {
  disk_full: "The disk is full: free some space and retry",
  read_only:
    "The database is read-only: check the permissions of the file and its folder, and the mount",
  cannot_open:
    "Cannot open the database file: SQLite needs to read and write it and create its -wal and -shm files beside it",
  io_error: "Disk I/O error on the database",
  corrupt: "The database file is damaged: restore it from a backup",
  not_a_database: "The file is not a SQLite database: check the --db path",
};

/** The storage failure a user can fix that `err` (from SQLite) reports, or undefined. */
export function sqliteFailureReason(err: unknown): StorageFailureReason | undefined {
  const code = sqliteResultCode(err);
  return code === undefined ? undefined : _REASONS[code];
}

/**
 * SQLite's message for a table that is not there: its code, SQLITE_ERROR, is
 * every SQL error's, so the message is all that tells it apart.
 */
const _MISSING_TABLE = /^no such table\b/;

/**
 * `err` as `STORAGE_ERROR` (with `details.db` and, for a failure a user can
 * fix, `details.reason` and advice) when SQLite reported a storage failure or
 * a missing table; anything else (an AppError, busy, a constraint) unchanged.
 */
export function sqliteFailure(err: unknown, path: string): unknown {
  if (err instanceof AppError) return err;
  const said = err instanceof Error ? err.message : String(err);
  const reason = sqliteFailureReason(err);
  let failure: AppError;
  if (reason) {
    failure = new AppError("STORAGE_ERROR", `Database "${path}": ${_ADVICE[reason]} (${said})`, {
      db: path,
      reason,
    });
  } else if (
    err instanceof Error && (err as { code?: unknown }).code === _NODE_SQLITE_ERROR &&
    _MISSING_TABLE.test(said)
  ) {
    failure = new AppError(
      "STORAGE_ERROR",
      `Database "${path}" lacks a table this program needs: it is damaged or not this program's (${said})`,
      { db: path },
    );
  } else {
    return err;
  }
  failure.cause = err;
  return failure;
}
