import { DatabaseSync } from "node:sqlite";
import { AppError, osStorageFailure } from "../../protocol/errors.ts";
import { busyFailure } from "./sqlite_busy.ts";
import { sqliteFailure } from "./sqlite_failure.ts";
import { SqliteDb } from "./sqlite_db.ts";
import { LATEST_SCHEMA_VERSION } from "../schema_version.ts";

/** SQLite older than this has the WAL-reset corruption bug with several writers. */
export const MIN_SQLITE_VERSION = "3.51.3";

/** How long a connection waits for another writer before SQLite reports busy. */
export const BUSY_TIMEOUT_MS = 5000;

export interface OpenDbOptions {
  /** Create the file and apply migrations (`inbox init`). Default: false. */
  init?: boolean;
}

/** Compares dotted version strings numerically. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

function _fileExists(path: string): boolean {
  try {
    const info = Deno.statSync(path);
    if (info.isDirectory) {
      throw new AppError(
        "USAGE",
        `--db "${path}" is a directory: pass the path of the database file, like "${
          path.replace(/\/+$/, "")
        }/coord.db"`,
        { db: path },
      );
    }
    return true;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
}

/** Names SQLite gives databases that live only in memory: nothing would be saved. */
function _inMemory(path: string): boolean {
  return path === ":memory:" || /^file:.*(:memory:|[?&]mode=memory)/.test(path);
}

/**
 * A failure met while opening, told with the path (sqlite_failure.ts). SQLite
 * says only "unable to open database file" when it cannot create the -wal or
 * -shm file beside an existing database; opening the file for writing tells
 * a read-only file or mount apart.
 */
function _openFailure(path: string, err: unknown): unknown {
  const failure = sqliteFailure(busyFailure(err), path);
  if (failure instanceof AppError && failure.details["reason"] === "cannot_open") {
    try {
      Deno.openSync(path, { read: true, write: true }).close();
    } catch (e) {
      if (osStorageFailure(e) === "read_only" || e instanceof Deno.errors.PermissionDenied) {
        return new AppError(
          "STORAGE_ERROR",
          `Database "${path}" is read-only: check the permissions of the file and its folder, and the mount (${
            (e as Error).message
          })`,
          { db: path, reason: "read_only" },
        );
      }
    }
  }
  return failure;
}

/**
 * Opens the shared database. Refuses a missing file (unless `init`), an old
 * SQLite, a schema newer than this program, and an uninitialised file.
 * Pending migrations are applied here, each in its own `BEGIN IMMEDIATE`
 * transaction, so an older database is upgraded by whichever process opens
 * it first.
 *
 * Pragmas: WAL (readers never block the writer), `synchronous = FULL` (a
 * commit is on disk before the command reports it: survives power loss, not
 * only a killed process), foreign keys on, and a busy timeout (node:sqlite
 * defaults to 0).
 */
export async function openSqlite(path: string, options: OpenDbOptions = {}): Promise<SqliteDb> {
  if (!path) throw new AppError("USAGE", "Missing --db: pass the path of the shared database");
  if (_inMemory(path)) {
    throw new AppError(
      "USAGE",
      `--db "${path}" is an in-memory database: nothing would be saved and no other process could see it; pass a file path`,
      { db: path },
    );
  }
  const exists = _fileExists(path);
  if (!options.init && !exists) {
    throw new AppError(
      "DB_NOT_FOUND",
      `Database "${path}" does not exist: create it with "inbox ${_dbArg(path)} init"`,
      { db: path },
    );
  }
  let raw: DatabaseSync;
  try {
    raw = new DatabaseSync(path, { timeout: BUSY_TIMEOUT_MS, enableForeignKeyConstraints: true });
  } catch (err) {
    const failure = _openFailure(path, err);
    if (failure instanceof AppError) throw failure;
    throw new AppError(
      "STORAGE_ERROR",
      `Cannot open database "${path}": ${(err as Error).message}`,
      { db: path },
    );
  }
  const db = new SqliteDb(raw, path);
  try {
    const version = String((db.getSync("SELECT sqlite_version() AS v") ?? {})["v"]);
    if (compareVersions(version, MIN_SQLITE_VERSION) < 0) {
      throw new AppError(
        "SQLITE_TOO_OLD",
        `SQLite ${version} is too old: ${MIN_SQLITE_VERSION} or newer is required`,
        { sqlite_version: version, required: MIN_SQLITE_VERSION },
      );
    }
    let userVersion: number;
    try {
      userVersion = Number((db.getSync("PRAGMA user_version") ?? {})["user_version"]);
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw new AppError(
        "STORAGE_ERROR",
        `"${path}" is not a usable SQLite database: ${(err as Error).message}`,
        { db: path },
      );
    }
    if (userVersion > LATEST_SCHEMA_VERSION) {
      throw new AppError(
        "SCHEMA_TOO_NEW",
        `Database "${path}" has schema version ${userVersion}, newer than this program's ${LATEST_SCHEMA_VERSION}: upgrade inbox/orch`,
        { db: path, db_version: userVersion, program_version: LATEST_SCHEMA_VERSION },
      );
    }
    if (userVersion === 0 && !options.init) {
      throw new AppError(
        "DB_NOT_INITIALIZED",
        `Database "${path}" is not initialised: run "inbox --db ${path} init"`,
        { db: path },
      );
    }
    const mode = String((db.getSync("PRAGMA journal_mode") ?? {})["journal_mode"]);
    if (mode !== "wal") db.execSync("PRAGMA journal_mode = WAL");
    db.execSync("PRAGMA synchronous = FULL");
    // The migrations (their SQL text) load only when a database needs them.
    if (userVersion < LATEST_SCHEMA_VERSION) await (await import("./migrate.ts")).migrate(db);
    return db;
  } catch (err) {
    db.closeSync();
    throw _openFailure(path, err);
  }
}

/** The schema version recorded in the database (`PRAGMA user_version`). */
export function schemaVersion(db: SqliteDb): number {
  return Number(db.getSync("PRAGMA user_version")?.["user_version"] ?? 0);
}

/**
 * `--db PATH` as a shell line needs it: quoted unless plain, and joined
 * (`--db=PATH`) when the path begins with "-", which would be read as a flag.
 */
function _dbArg(path: string): string {
  const word = /^[\w./@:+,=-]+$/.test(path) ? path : `'${path.replaceAll("'", `'\\''`)}'`;
  return path.startsWith("-") ? `--db=${word}` : `--db ${word}`;
}
