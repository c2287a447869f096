/**
 * Opens a PostgreSQL store from its URL (`--db postgres://user@host:5432/coord`).
 * The client library is imported here, dynamically, so a SQLite store never
 * loads it. The password may be in the URL or in PGPASSWORD (better: not on
 * a command line); it never appears in a label, an error or its details.
 */
import { AppError } from "../../protocol/errors.ts";
import { migratePostgres } from "./migrate.ts";
import { type PgClient, PgDb } from "./pg_db.ts";
import { errorCode, pgFailure } from "./pg_errors.ts";
import { redactUrl } from "./redact.ts";

/**
 * Connections per store: one. Its statements and transactions take turns on it
 * (see PgDb), which lets a transaction send BEGIN and COMMIT together with its
 * other statements. Waits LISTEN on a connection of their own.
 */
export const POOL_SIZE = 1;
/** Give up connecting after this many seconds (an unreachable host fails fast). */
export const CONNECT_TIMEOUT_S = 10;
/** What the server shows in pg_stat_activity for our connections. */
const _APPLICATION_NAME = "coord";

export interface OpenPostgresOptions {
  /** Create the schema when the database has none (`inbox init`). Default: false. */
  init?: boolean;
  /** How long a writer waits for the writer lock per attempt (tests). Default: LOCK_TIMEOUT_MS. */
  lockTimeoutMs?: number;
}

function _hexToBytes(text: string): Uint8Array {
  // BYTEA's text form: \x followed by two hex digits a byte.
  const hex = text.startsWith("\\x") ? text.slice(2) : text;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function _bytesToHex(bytes: Uint8Array): string {
  let hex = "\\x";
  for (const b of bytes) hex += b.toString(16).padStart(2, "0");
  return hex;
}

/** INT8 as a number, as SQLite gives integers; past 2^53 a bigint rather than a wrong number. */
function _int8(text: string): number | bigint {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : BigInt(text);
}

/**
 * Value conversions, so one statement gives what SQLite gives: integers and
 * numerics as numbers, BYTEA as a plain Uint8Array, JSON as its text (SQLite's
 * json functions return TEXT), booleans (comparisons in a select list) as 1/0.
 */
const _TYPES = {
  int8: { to: 20, from: [20], serialize: (x: unknown) => String(x), parse: _int8 },
  numeric: { to: 1700, from: [1700], serialize: (x: unknown) => String(x), parse: Number },
  bytea: {
    to: 17,
    from: [17],
    serialize: (x: Uint8Array) => _bytesToHex(x),
    parse: _hexToBytes,
  },
  json: {
    to: 114,
    from: [114, 3802],
    serialize: (x: unknown) => (typeof x === "string" ? x : JSON.stringify(x)),
    parse: (x: string) => x,
  },
  boolean: {
    to: 16,
    from: [16],
    serialize: (x: unknown) => (x ? "t" : "f"),
    parse: (x: string) => (x === "t" ? 1 : 0),
  },
};

/** Checks the URL before any connection: parseable, and naming a user (or PGUSER). */
function _checkUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AppError(
      "USAGE",
      `--db "${
        redactUrl(url)
      }" is not a valid PostgreSQL URL: use postgres://USER@HOST:PORT/DATABASE`,
      { db: redactUrl(url) },
    );
  }
  if (!parsed.hostname) {
    throw new AppError(
      "USAGE",
      `--db "${redactUrl(url)}" names no host: use postgres://USER@HOST:PORT/DATABASE`,
      { db: redactUrl(url) },
    );
  }
  // The client would fall back to the OS user name, which needs more permissions than we grant.
  if (!parsed.username && !Deno.env.get("PGUSER") && !Deno.env.get("PGUSERNAME")) {
    throw new AppError(
      "USAGE",
      `--db "${
        redactUrl(url)
      }" names no user: use postgres://USER@HOST:PORT/DATABASE or set PGUSER`,
      { db: redactUrl(url) },
    );
  }
}

/**
 * Makes the client the store uses (no connection yet: connections open on first
 * use). Exported for the bench, whose raw baseline must use the same client.
 */
export async function createPgClient(url: string): Promise<PgClient> {
  return (await _client(url)) as unknown as PgClient;
}

async function _client(url: string) {
  const { default: postgres } = await import("postgres");
  return postgres(url, {
    max: POOL_SIZE,
    connect_timeout: CONNECT_TIMEOUT_S,
    idle_timeout: 0,
    fetch_types: false,
    prepare: true,
    onnotice: () => {},
    types: _TYPES,
    connection: { application_name: _APPLICATION_NAME },
  });
}

/** The maintenance database `init` connects to when it must create the store's database. */
const _MAINTENANCE_DB = "postgres";

/**
 * Creates the database `url` names, connecting to the server's maintenance
 * database with the same credentials. True when it now exists (made here or,
 * concurrently, by another `init`); false when this user may not create it.
 */
async function _createDatabase(url: string): Promise<boolean> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!name || name === _MAINTENANCE_DB) return false;
  target.pathname = "/" + _MAINTENANCE_DB;
  const sql = await _client(target.toString());
  try {
    await sql.unsafe(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
    return true;
  } catch (err) {
    // Another init made it: duplicate_database, or (a race inside CREATE DATABASE) a unique
    // violation on the catalog.
    return errorCode(err) === "42P04" || errorCode(err) === "23505";
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {});
  }
}

/**
 * Opens the store at `url` and brings its schema up to date (see
 * migrate.ts). Refuses a database without our schema unless `init`; with
 * `init`, a database that does not exist yet is created when the user may
 * (CREATEDB), else the error says to create it. Any failure to reach or use
 * the server is a `STORAGE_ERROR` naming the URL without its password.
 */
export async function openPostgres(url: string, options: OpenPostgresOptions = {}): Promise<PgDb> {
  _checkUrl(url);
  try {
    return await _open(url, options);
  } catch (err) {
    const missing = err instanceof AppError && err.details["reason"] === "database_missing";
    if (!missing || !options.init || !(await _createDatabase(url).catch(() => false))) throw err;
    return await _open(url, options);
  }
}

async function _open(url: string, options: OpenPostgresOptions): Promise<PgDb> {
  let db: PgDb;
  try {
    db = new PgDb(
      (await _client(url)) as unknown as PgClient,
      url,
      options.lockTimeoutMs === undefined ? {} : { lockTimeoutMs: options.lockTimeoutMs },
    );
  } catch (err) {
    throw pgFailure(err, url);
  }
  try {
    await migratePostgres(db, options);
    return db;
  } catch (err) {
    await db.close().catch(() => {});
    throw pgFailure(err, url);
  }
}
