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
  const reason = osStorageFailure(err);
  if (reason) {
    return new AppError("STORAGE_ERROR", `${_OS_ADVICE[reason]} (${message})`, { reason });
  }
  if (err instanceof Deno.errors.PermissionDenied || err instanceof Deno.errors.NotCapable) {
    return new AppError("STORAGE_ERROR", `Permission denied: ${message}`);
  }
  return new AppError("INTERNAL", `Internal error: ${message}`);
}

/**
 * Why the disk or the database refused a write or a read: `details.reason`
 * of `STORAGE_ERROR`, the same on every backend (each maps its own errors to
 * these: src/storage/sqlite/sqlite_failure.ts, src/storage/postgres/pg_errors.ts).
 */
export type StorageFailureReason =
  | "disk_full"
  | "read_only"
  | "cannot_open"
  | "io_error"
  | "corrupt"
  | "not_a_database";

/** The storage failures an OS error can report. */
type OsStorageFailureReason = Extract<StorageFailureReason, "disk_full" | "read_only" | "io_error">;

/** The OS errors (Deno's errno name in `code`) that are a storage failure a user can fix. */
const _OS_REASONS: ReadonlyMap<unknown, OsStorageFailureReason> = new Map([
  ["ENOSPC", "disk_full"],
  ["EDQUOT", "disk_full"],
  ["EROFS", "read_only"],
  ["EIO", "io_error"],
]);

const _OS_ADVICE: Record<OsStorageFailureReason, string> = {
  disk_full: "The disk is full: free some space and retry",
  read_only: "The file system is read-only: check the mount",
  io_error: "Disk I/O error",
};

/**
 * The storage failure an OS error reports (a full disk or quota, a read-only
 * file system, an I/O error), by its errno name; undefined for anything else.
 */
export function osStorageFailure(err: unknown): OsStorageFailureReason | undefined {
  return err instanceof Error ? _OS_REASONS.get((err as { code?: unknown }).code) : undefined;
}
