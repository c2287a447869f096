import type { DatabaseSync, SQLInputValue, StatementSync } from "node:sqlite";
import { AppError } from "../protocol/errors.ts";
import { sleepSync } from "./sleep_sync.ts";

/** A value SQLite can bind. */
export type SqlValue = SQLInputValue;
/** A row as node:sqlite returns it. */
export type Row = Record<string, unknown>;

/** How many times a write transaction is retried when SQLite reports busy. */
export const WRITE_RETRIES = 8;

function _isBusy(err: unknown): boolean {
  const message = err instanceof Error ? err.message : String(err);
  return /database is locked|SQLITE_BUSY|database table is locked/i.test(message);
}

/**
 * A connection with a statement cache and the two transaction shapes we use:
 * {@linkcode Db.write} (`BEGIN IMMEDIATE`, bounded busy retry) and
 * {@linkcode Db.read} (one consistent snapshot, released at once).
 */
export class Db {
  readonly raw: DatabaseSync;
  readonly path: string;
  #statements = new Map<string, StatementSync>();
  #depth = 0;

  constructor(raw: DatabaseSync, path: string) {
    this.raw = raw;
    this.path = path;
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

  get<T = Row>(sql: string, ...params: SqlValue[]): T | undefined {
    return this.stmt(sql).get(...params) as T | undefined;
  }

  all<T = Row>(sql: string, ...params: SqlValue[]): T[] {
    return this.stmt(sql).all(...params) as T[];
  }

  run(sql: string, ...params: SqlValue[]): { changes: number; lastInsertRowid: number } {
    const r = this.stmt(sql).run(...params);
    return { changes: Number(r.changes), lastInsertRowid: Number(r.lastInsertRowid) };
  }

  /**
   * Runs `fn` in one `BEGIN IMMEDIATE` transaction: the write lock is taken
   * up front, so the transaction never has to upgrade a read snapshot (which
   * fails with SQLITE_BUSY_SNAPSHOT under WAL). The busy timeout waits for
   * other writers; if SQLite still reports busy, the whole transaction is
   * retried a bounded number of times. Anything thrown rolls back.
   * `fn` must not do work that cannot be repeated outside the database,
   * unless it undoes that work when it throws.
   */
  write<T>(fn: () => T): T {
    if (this.#depth > 0) return fn();
    for (let attempt = 0;; attempt++) {
      try {
        this.raw.exec("BEGIN IMMEDIATE");
      } catch (err) {
        if (_isBusy(err) && attempt < WRITE_RETRIES) {
          sleepSync(5 + Math.random() * 20 * (attempt + 1));
          continue;
        }
        if (_isBusy(err)) {
          throw new AppError("STORAGE_BUSY", "The database stayed locked by another writer", {
            retries: attempt,
          });
        }
        throw err;
      }
      this.#depth++;
      try {
        const result = fn();
        this.raw.exec("COMMIT");
        return result;
      } catch (err) {
        if (this.raw.isTransaction) this.raw.exec("ROLLBACK");
        if (_isBusy(err) && attempt < WRITE_RETRIES) {
          sleepSync(5 + Math.random() * 20 * (attempt + 1));
          continue;
        }
        throw err;
      } finally {
        this.#depth--;
      }
    }
  }

  /** Runs `fn` inside one read snapshot (`BEGIN` ... `COMMIT`), released as soon as it returns. */
  read<T>(fn: () => T): T {
    if (this.#depth > 0 || this.raw.isTransaction) return fn();
    this.raw.exec("BEGIN");
    this.#depth++;
    try {
      return fn();
    } finally {
      this.#depth--;
      if (this.raw.isTransaction) this.raw.exec("COMMIT");
    }
  }

  /** `PRAGMA data_version`: changes when another connection commits. */
  dataVersion(): number {
    return Number((this.stmt("PRAGMA data_version").get() as Row)["data_version"]);
  }

  close(): void {
    this.#statements.clear();
    if (this.raw.isOpen) this.raw.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
