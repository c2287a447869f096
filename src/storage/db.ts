/**
 * The storage seam: every store operation talks to a {@linkcode Db}, never to
 * a driver. Two backends implement it: SQLite (`src/storage/sqlite/`, the
 * default, one file) and PostgreSQL (`src/storage/postgres/`, a server shared
 * by several hosts). SQL is written once, with `?` placeholders, in the
 * subset both backends speak; where they differ a store asks `db.dialect`.
 */

/** A value either backend can bind. */
export type SqlValue = string | number | bigint | boolean | null | Uint8Array;
/** A row: column name to value (integers as numbers, BLOB/BYTEA as Uint8Array). */
export type Row = Record<string, unknown>;
/** Which backend a connection talks to. */
export type Dialect = "sqlite" | "postgres";

/** What a statement without rows reports. */
export interface RunResult {
  /** Rows inserted, updated or deleted. */
  changes: number;
}

/**
 * Statements. Parameters are positional `?`. Integers come back as numbers
 * (both backends), text as strings, blobs as Uint8Array. Inserts that need the
 * new id say `RETURNING id` and use {@linkcode Queryable.get}.
 */
export interface Queryable {
  readonly dialect: Dialect;
  get<T = Row>(sql: string, ...params: SqlValue[]): Promise<T | undefined>;
  all<T = Row>(sql: string, ...params: SqlValue[]): Promise<T[]>;
  run(sql: string, ...params: SqlValue[]): Promise<RunResult>;
}

/**
 * A connection to the shared store. Outside a transaction each statement is
 * its own transaction. Inside {@linkcode Db.write} / {@linkcode Db.read} every
 * statement must go through the handle the callback receives (a `Db` itself,
 * whose `write`/`read` run inline: nesting joins the outer transaction).
 */
export interface Db extends Queryable {
  /** Where the store lives, safe to print: a file path, or a URL with its password removed. */
  readonly label: string;
  /**
   * Runs `fn` in one write transaction. Writers are serialised (SQLite:
   * `BEGIN IMMEDIATE`; PostgreSQL: a transaction-scoped advisory lock), so a
   * transaction sees every commit before it and none during it. A busy store
   * is retried a bounded number of times, then `STORAGE_BUSY`. Anything thrown
   * rolls back. `fn` must not do slow work (git, reading files): it holds the
   * writer lock.
   */
  write<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  /** Runs `fn` in one consistent read snapshot, released as soon as it returns. */
  read<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  /** The schema version the store holds (the id of the last migration applied). */
  schemaVersion(): Promise<number>;
  /** A feed of commits by any connection, for waits (none is held open in a transaction). */
  changes(options?: ChangeFeedOptions): Promise<ChangeFeed>;
  close(): Promise<void>;
}

/** Tells a waiter that another connection may have committed. */
export interface ChangeFeed {
  /** A number that changes whenever any connection commits (compare two samples). */
  version(): Promise<number>;
  /**
   * Sleeps up to `ms`, less when a commit may have happened (SQLite: the WAL
   * file changed; PostgreSQL: a NOTIFY arrived) or `abort` fires.
   */
  next(ms: number, abort?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

export interface ChangeFeedOptions {
  /**
   * SQLite: how long an idle feed trusts the wake file's notifications before it
   * samples `data_version` anyway. Default: {@linkcode FALLBACK_POLL_MS}.
   */
  fallbackPollMs?: number;
}

/**
 * How long an idle wait trusts notifications before it samples anyway: the
 * slow fallback that catches commits no notification announced (other programs
 * such as the `sqlite3` shell, file systems that drop notifications). Each
 * sample wakes the process; at 1 s, 50 idle waiters used 11-14 % of a core.
 */
export const FALLBACK_POLL_MS = 5000;
