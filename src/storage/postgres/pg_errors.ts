/**
 * What a PostgreSQL failure means to a user: the server cannot be reached, it
 * refused the credentials, the database does not exist, the connection was
 * lost, or the store is busy (retry). Everything reported carries the URL with
 * its password removed and never the password itself.
 */
import { AppError, type StorageFailureReason } from "../../protocol/errors.ts";
import { redactText, redactUrl } from "./redact.ts";

/**
 * Why a PostgreSQL store could not be used (`details.reason`): the server's
 * own reasons, and the storage failures both backends report alike.
 */
export type PgFailureReason =
  | "connection_refused"
  | "unreachable"
  | "auth_failed"
  | "database_missing"
  | "connection_lost"
  | "too_many_connections"
  | Extract<StorageFailureReason, "read_only" | "disk_full" | "io_error" | "corrupt">
  | "permission";

/** SQLSTATEs that mean "another transaction was in the way": the whole transaction is retried. */
const _BUSY_SQLSTATES = new Set([
  "40001", // serialization_failure
  "40P01", // deadlock_detected
  "55P03", // lock_not_available (lock_timeout on the writer lock)
]);

/** SQLSTATE (server errors) or Node-style code (socket errors, postgres.js's own). */
export function errorCode(err: unknown): string {
  if (err && typeof err === "object" && "code" in err) return String(err.code);
  return "";
}

/** True when the transaction lost a race with another writer and may simply be run again. */
export function isBusy(err: unknown): boolean {
  return _BUSY_SQLSTATES.has(errorCode(err));
}

const _REASONS: Record<string, PgFailureReason> = {
  ECONNREFUSED: "connection_refused",
  ETIMEDOUT: "unreachable",
  EHOSTUNREACH: "unreachable",
  ENETUNREACH: "unreachable",
  ENOTFOUND: "unreachable",
  EAI_AGAIN: "unreachable",
  EAI_NONAME: "unreachable",
  CONNECT_TIMEOUT: "unreachable",
  "28P01": "auth_failed", // invalid_password
  "28000": "auth_failed", // invalid_authorization_specification (pg_hba.conf)
  AUTH_TYPE_NOT_IMPLEMENTED: "auth_failed",
  SASL_SIGNATURE_MISMATCH: "auth_failed",
  "3D000": "database_missing", // invalid_catalog_name
  ECONNRESET: "connection_lost",
  EPIPE: "connection_lost",
  CONNECTION_CLOSED: "connection_lost",
  CONNECTION_ENDED: "connection_lost",
  CONNECTION_DESTROYED: "connection_lost",
  "57P01": "connection_lost", // admin_shutdown
  "57P02": "connection_lost", // crash_shutdown
  "57P03": "connection_lost", // cannot_connect_now (starting up, shutting down)
  "08000": "connection_lost",
  "08003": "connection_lost",
  "08006": "connection_lost",
  "53300": "too_many_connections",
  "25006": "read_only", // read_only_sql_transaction (a standby, or default_transaction_read_only)
  "53100": "disk_full", // disk_full
  "58030": "io_error", // io_error
  XX001: "corrupt", // data_corrupted
  XX002: "corrupt", // index_corrupted
};

const _ADVICE: Record<PgFailureReason, string> = {
  connection_refused:
    "no server accepts connections there: is PostgreSQL running, on that host and port?",
  unreachable: "the server cannot be reached: check the host name, the port and the network",
  auth_failed:
    "the server refused the user name or password: check them (the password can also come from PGPASSWORD)",
  database_missing: "the database does not exist: create it (createdb) or fix the name in the URL",
  connection_lost: "the connection to the server was lost: retry when the server is back",
  too_many_connections: "the server has no free connection: retry later or raise max_connections",
  read_only: "the server only accepts reads (a standby?): point the URL at the primary",
  disk_full: "the server's disk is full: free space on it",
  io_error: "the server could not read or write its files: check its disk and its log",
  corrupt: "the server found damaged data: check its log, and restore or reindex",
  permission: "this program may not open network connections (Deno permissions)",
};

/** The reason for a failure a user can act on, or undefined for anything else (a bug, a bad statement). */
export function pgFailureReason(err: unknown): PgFailureReason | undefined {
  if (err instanceof Deno.errors.NotCapable || err instanceof Deno.errors.PermissionDenied) {
    return "permission";
  }
  const code = errorCode(err);
  const known = Object.hasOwn(_REASONS, code) ? _REASONS[code] : undefined;
  if (known) return known;
  const message = err instanceof Error ? err.message : "";
  if (/ECONNREFUSED|Connection refused/i.test(message)) return "connection_refused";
  if (
    /timed out|EHOSTUNREACH|ENETUNREACH|failed to lookup address|Name or service not known/i.test(
      message,
    )
  ) {
    return "unreachable";
  }
  return undefined;
}

/** Removes the URL's password from an error's message and stack, where they can be written. */
function _scrub(err: Error, url: string): void {
  for (const key of ["message", "stack"] as const) {
    const text = err[key];
    if (!text) continue;
    const scrubbed = redactText(text, url);
    if (scrubbed === text) continue;
    try {
      Object.defineProperty(err, key, { value: scrubbed, configurable: true, writable: true });
    } catch {
      // A frozen error: it came from the server, which never saw the URL.
    }
  }
}

/**
 * A user-fixable PostgreSQL failure as `STORAGE_ERROR` (exit 6), with the
 * redacted URL and the reason; anything else is returned unchanged (with any
 * password scrubbed from its message).
 */
export function pgFailure(err: unknown, url: string): unknown {
  if (err instanceof AppError) return err;
  const reason = pgFailureReason(err);
  const db = redactUrl(url);
  if (!reason) {
    if (err instanceof Error) _scrub(err, url);
    return err;
  }
  const said = err instanceof Error ? redactText(err.message, url) : "";
  return new AppError(
    "STORAGE_ERROR",
    `PostgreSQL store "${db}": ${_ADVICE[reason]}${said ? ` (${said})` : ""}`,
    { db, reason },
  );
}
