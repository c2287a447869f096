/**
 * The one table of exit codes and error codes, and the error class every
 * layer throws. The CLI maps an {@linkcode AppError} to the JSON envelope and
 * exit status; nothing else decides an exit code.
 */

/** Stable process exit statuses (documented in docs/protocol.md). */
export const EXIT = {
  ok: 0,
  internal: 1,
  usage: 2,
  notFound: 3,
  conflict: 4,
  git: 5,
  storage: 6,
} as const;

export type ExitCode = typeof EXIT[keyof typeof EXIT];

/** Every error code the programs can emit, with its exit status. */
export const ERROR_CODES = {
  INTERNAL: EXIT.internal,

  USAGE: EXIT.usage,
  INVALID_INPUT: EXIT.usage,
  INVALID_JSON: EXIT.usage,
  INPUT_FILE_NOT_FOUND: EXIT.usage,
  INVALID_RESULT: EXIT.usage,
  TOO_LARGE: EXIT.usage,

  DB_NOT_FOUND: EXIT.notFound,
  THREAD_NOT_FOUND: EXIT.notFound,
  ARTIFACT_NOT_FOUND: EXIT.notFound,
  RUN_NOT_FOUND: EXIT.notFound,
  TASK_NOT_FOUND: EXIT.notFound,
  ATTEMPT_NOT_FOUND: EXIT.notFound,
  NO_CLAIMABLE_THREAD: EXIT.notFound,
  REMOTE_NOT_FOUND: EXIT.notFound,

  ALREADY_CLAIMED: EXIT.conflict,
  LEASE_LOST: EXIT.conflict,
  NOT_PARTICIPANT: EXIT.conflict,
  INVALID_STATE: EXIT.conflict,
  THREAD_CLOSED: EXIT.conflict,
  CANCELLED: EXIT.conflict,
  TASK_NOT_READY: EXIT.conflict,
  DEPENDENCY_CYCLE: EXIT.conflict,
  ALREADY_EXISTS: EXIT.conflict,
  IDEMPOTENCY_CONFLICT: EXIT.conflict,
  NOT_BLOCKED: EXIT.conflict,
  FORBIDDEN: EXIT.conflict,

  GIT_ERROR: EXIT.git,
  NOT_A_REPO: EXIT.git,
  DIRTY_REPO: EXIT.git,
  BASE_REF_NOT_FOUND: EXIT.git,
  WORKTREE_DIRTY: EXIT.git,
  WORKSPACE_ERROR: EXIT.git,
  MERGE_CONFLICT: EXIT.git,
  WORKSPACE_TAMPERED: EXIT.git,
  TARGET_MOVED: EXIT.git,
  TARGET_DIRTY: EXIT.git,
  REMOTE_ERROR: EXIT.git,
  REMOTE_REWRITTEN: EXIT.git,

  STORAGE_BUSY: EXIT.storage,
  STORAGE_ERROR: EXIT.storage,
  DB_NOT_INITIALIZED: EXIT.storage,
  SCHEMA_TOO_NEW: EXIT.storage,
  SQLITE_TOO_OLD: EXIT.storage,
  ARTIFACT_CORRUPT: EXIT.storage,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** JSON-safe details attached to an error. */
export type ErrorDetails = Record<string, unknown>;

/** An expected failure: carries a stable code, a message for people and details for programs. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.details = details;
  }

  /** The process exit status for this error. */
  get exitCode(): ExitCode {
    return ERROR_CODES[this.code];
  }
}

/** Turns anything thrown into an {@linkcode AppError}; unknown failures become `INTERNAL`. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (/SQLITE_BUSY|database is locked/i.test(message)) {
    return new AppError("STORAGE_BUSY", `The database stayed busy: ${message}`);
  }
  const storage = storageFailure(err);
  if (storage) return new AppError("STORAGE_ERROR", storage.message, { reason: storage.reason });
  if (/SQLITE_|database disk image|not a database|no such table/i.test(message)) {
    return new AppError("STORAGE_ERROR", `Storage error: ${message}`);
  }
  if (err instanceof Deno.errors.PermissionDenied || err instanceof Deno.errors.NotCapable) {
    return new AppError("STORAGE_ERROR", `Permission denied: ${message}`);
  }
  return new AppError("INTERNAL", `Internal error: ${message}`);
}

/** Why the disk or the database file refused a write or a read. */
export type StorageFailureReason = "disk_full" | "read_only" | "cannot_open" | "io_error";

/**
 * Recognises the storage failures a user can fix (full disk, read-only file
 * or mount, unopenable file, I/O error) from SQLite's or the OS's error, with
 * a message saying what to do. node:sqlite gives no numeric code in Deno, so
 * SQLite's fixed English messages are matched (sqlite3ErrStr).
 */
export function storageFailure(
  err: unknown,
): { reason: StorageFailureReason; message: string } | undefined {
  const message = err instanceof Error ? err.message : String(err);
  if (/database or disk is full|no space left on device|os error 28\b/i.test(message)) {
    return {
      reason: "disk_full",
      message: `The disk is full: free some space and retry (${message})`,
    };
  }
  if (/readonly database|read-only file system|os error 30\b/i.test(message)) {
    return {
      reason: "read_only",
      message:
        `The database is read-only: check the permissions of the file and its folder, and the mount (${message})`,
    };
  }
  if (/unable to open database file/i.test(message)) {
    return {
      reason: "cannot_open",
      message:
        `Cannot open the database file: SQLite needs to read and write it and create its -wal and -shm files beside it (${message})`,
    };
  }
  if (/disk I\/O error/i.test(message)) {
    return { reason: "io_error", message: `Disk I/O error on the database (${message})` };
  }
  return undefined;
}
