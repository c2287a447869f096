import type { DatabaseSync, SQLInputValue, StatementSync } from "node:sqlite";
import { AppError } from "../../protocol/errors.ts";
import type {
  ChangeFeed,
  ChangeFeedOptions,
  Db,
  Dialect,
  Row,
  RunResult,
  SqlValue,
} from "../db.ts";
import { sleepSync } from "./sleep_sync.ts";
import { busyFailure, isSqliteBusy } from "./sqlite_busy.ts";
import { sqliteFailure } from "./sqlite_failure.ts";
import { WakeWriter } from "./wake_file.ts";

/** How many times a write transaction is retried when SQLite reports busy. */
export const WRITE_RETRIES = 8;

/** Busy, raw from SQLite or already translated by a statement: the transaction may be run again. */
function _retryable(err: unknown): boolean {
  return isSqliteBusy(err) || (err instanceof AppError && isSqliteBusy(err.cause));
}

function _bind(params: SqlValue[]): SQLInputValue[] {
  // node:sqlite binds no booleans: store them as the integers the schema holds.
  return params.map((p) => typeof p === "boolean" ? (p ? 1 : 0) : p) as SQLInputValue[];
}

/**
 * The SQLite backend of {@linkcode Db}: one `node:sqlite` connection with a
 * statement cache. node:sqlite is synchronous, so every promise this returns
 * is already settled; a transaction's callback only ever awaits this
 * connection, which keeps one transaction at a time on it.
 */
export class SqliteDb implements Db {
  readonly dialect: Dialect = "sqlite";
  readonly raw: DatabaseSync;
  /** The database file. */
  readonly path: string;
  #statements = new Map<string, StatementSync>();
  #depth = 0;
  #wake: WakeWriter;

  constructor(raw: DatabaseSync, path: string) {
    this.raw = raw;
    this.path = path;
    this.#wake = new WakeWriter(path);
  }

  get label(): string {
    return this.path;
  }

  /** A cached prepared statement. */
  stmt(sql: string): StatementSync {
    let s = this.#statements.get(sql);
    if (!s) {
      s = this.raw.prepare(sql);
      this.#statements.set(sql, s);
    }
    return s;
  }

  /** `err` as what it means: STORAGE_BUSY, STORAGE_ERROR (sqlite_failure.ts), or unchanged. */
  failure(err: unknown): unknown {
    return sqliteFailure(busyFailure(err), this.path);
  }

  /** `exec` of `sql`, its failure told as {@linkcode failure} tells it. */
  execSync(sql: string): void {
    try {
      this.raw.exec(sql);
    } catch (err) {
      throw this.failure(err);
    }
  }

  // The statement methods report busy as STORAGE_BUSY (see sqlite_busy.ts) and storage
  // failures as STORAGE_ERROR (sqlite_failure.ts); a write transaction still retries busy.

  getSync<T = Row>(sql: string, ...params: SqlValue[]): T | undefined {
    try {
      return this.stmt(sql).get(..._bind(params)) as T | undefined;
    } catch (err) {
      throw this.failure(err);
    }
  }

  allSync<T = Row>(sql: string, ...params: SqlValue[]): T[] {
    try {
      return this.stmt(sql).all(..._bind(params)) as T[];
    } catch (err) {
      throw this.failure(err);
    }
  }

  runSync(sql: string, ...params: SqlValue[]): RunResult {
    let r;
    try {
      r = this.stmt(sql).run(..._bind(params));
    } catch (err) {
      throw this.failure(err);
    }
    // A statement outside a transaction commits by itself: tell the waiters.
    if (this.#depth === 0 && !this.raw.isTransaction && Number(r.changes) > 0) this.#wake.touch();
    return { changes: Number(r.changes) };
  }

  get<T = Row>(sql: string, ...params: SqlValue[]): Promise<T | undefined> {
    try {
      return Promise.resolve(this.getSync<T>(sql, ...params));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  all<T = Row>(sql: string, ...params: SqlValue[]): Promise<T[]> {
    try {
      return Promise.resolve(this.allSync<T>(sql, ...params));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  run(sql: string, ...params: SqlValue[]): Promise<RunResult> {
    try {
      return Promise.resolve(this.runSync(sql, ...params));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * One `BEGIN IMMEDIATE` transaction: the write lock is taken up front, so
   * the transaction never has to upgrade a read snapshot (which fails with
   * SQLITE_BUSY_SNAPSHOT under WAL). The busy timeout waits for other
   * writers; if SQLite still reports busy, the whole transaction is retried a
   * bounded number of times, then `STORAGE_BUSY`. Anything thrown rolls back.
   * `fn` must not do work that cannot be repeated outside the database,
   * unless it undoes that work when it throws. Nested calls join the outer
   * transaction.
   */
  async write<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    if (this.#depth > 0) return await fn(this);
    for (let attempt = 0;; attempt++) {
      try {
        this.raw.exec("BEGIN IMMEDIATE");
      } catch (err) {
        if (isSqliteBusy(err) && attempt < WRITE_RETRIES) {
          sleepSync(5 + Math.random() * 20 * (attempt + 1));
          continue;
        }
        if (isSqliteBusy(err)) {
          throw new AppError("STORAGE_BUSY", "The database stayed locked by another writer", {
            retries: attempt,
          });
        }
        throw this.failure(err);
      }
      this.#depth++;
      try {
        const result = await fn(this);
        this.raw.exec("COMMIT");
        this.#wake.touch();
        return result;
      } catch (err) {
        if (this.raw.isTransaction) this.raw.exec("ROLLBACK");
        if (_retryable(err) && attempt < WRITE_RETRIES) {
          sleepSync(5 + Math.random() * 20 * (attempt + 1));
          continue;
        }
        throw this.failure(err);
      } finally {
        this.#depth--;
      }
    }
  }

  /** One read snapshot (`BEGIN` ... `COMMIT`), released as soon as `fn` returns. */
  async read<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    if (this.#depth > 0 || this.raw.isTransaction) return await fn(this);
    this.execSync("BEGIN");
    this.#depth++;
    try {
      return await fn(this);
    } finally {
      this.#depth--;
      if (this.raw.isTransaction) this.execSync("COMMIT");
    }
  }

  /** `PRAGMA data_version`: changes when another connection commits. */
  dataVersion(): number {
    return Number(this.getSync("PRAGMA data_version")?.["data_version"]);
  }

  async schemaVersion(): Promise<number> {
    return Number((await this.get("PRAGMA user_version"))?.["user_version"] ?? 0);
  }

  /** The change feed (loaded by the commands that wait). */
  async changes(options: ChangeFeedOptions = {}): Promise<ChangeFeed> {
    return (await import("./sqlite_changes.ts")).sqliteChanges(this, options);
  }

  closeSync(): void {
    this.#wake.close();
    this.#statements.clear();
    if (this.raw.isOpen) this.raw.close();
  }

  close(): Promise<void> {
    this.closeSync();
    return Promise.resolve();
  }

  [Symbol.dispose](): void {
    this.closeSync();
  }
}
