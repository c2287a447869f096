/**
 * The PostgreSQL backend of the storage seam ({@linkcode Db}), over the
 * `postgres` npm client (loaded only when a postgres URL is opened: see
 * open_postgres.ts). SQL arrives in the stores' dialect-neutral form with `?`
 * placeholders; integers come back as numbers and BYTEA as Uint8Array, as
 * from SQLite.
 *
 * Writers are serialised like SQLite's `BEGIN IMMEDIATE`: each write
 * transaction first takes one transaction-scoped advisory lock, so a write
 * sees every commit before it and none during it (READ COMMITTED: each
 * statement's snapshot is taken after the lock is held). Each write
 * transaction sends `NOTIFY coord_change` before COMMIT, in the same
 * transaction, so every commit wakes the waiters and an aborted one wakes
 * nobody.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type postgres from "postgres";
import { AppError } from "../../protocol/errors.ts";
import type { ChangeFeed, Db, Dialect, Row, RunResult, SqlValue } from "../db.ts";
import { CHANGE_CHANNEL, PgChangeFeed } from "./change_feed.ts";
import { installCrashGuard } from "./crash_guard.ts";
import { pgSchemaVersion } from "./migrate.ts";
import { errorCode, isBusy, pgFailure } from "./pg_errors.ts";
import { toPgPlaceholders } from "./placeholders.ts";
import { redactUrl } from "./redact.ts";

/** The client, as PgDb uses it (value conversions are set up by open_postgres.ts). */
export type PgClient = postgres.Sql<Record<string, unknown>>;
type Sql = PgClient;
type TxSql = postgres.TransactionSql<Record<string, unknown>>;

/** Key of the advisory lock every write transaction holds ("coord" in ASCII). */
export const WRITER_LOCK_KEY = 0x636f6f7264;
/** Whole-transaction retries after a serialization failure, deadlock or lock timeout. */
export const WRITE_RETRIES = 8;
/** How long a writer waits for the writer lock before the attempt counts as busy. */
export const LOCK_TIMEOUT_MS = 5000;
/** First retry delay; doubled each time, with jitter. */
const _RETRY_BASE_MS = 20;
const _RETRY_MAX_MS = 1000;
/**
 * How long close waits for connections to end politely before cutting them
 * (a connection the server dropped never answers).
 */
const _CLOSE_TIMEOUT_S = 1;

/** What a write transaction runs first: a bounded wait for the writer lock, then the lock. */
function _beginWrite(lockTimeoutMs: number): string {
  return `SET LOCAL lock_timeout = '${Math.max(1, Math.floor(lockTimeoutMs))}ms'; ` +
    `SELECT pg_advisory_xact_lock(${WRITER_LOCK_KEY})`;
}
const _NOTIFY = `SELECT pg_notify('${CHANGE_CHANNEL}', '')`;

/**
 * The transaction the current async call chain is inside, if any: a statement
 * issued on the PgDb itself from within a `write`/`read` callback joins that
 * transaction, as every statement does on SQLite's single connection. Without
 * this it would run on another pooled connection: outside the transaction (a
 * write would not roll back with it) and, for a write, waiting for the writer
 * lock its own transaction holds (a self-deadlock).
 */
const _current = new AsyncLocalStorage<{ owner: PgDb; tx: PgTx }>();

/** Anything that runs a statement: the pool, or one transaction's connection. */
type Runner = Sql | TxSql;

/** Booleans are stored as integers (as in SQLite); everything else binds as is. */
function _bind(params: SqlValue[]): postgres.ParameterOrJSON<never>[] {
  return params.map((p) => (p === true ? 1 : p === false ? 0 : p)) as postgres.ParameterOrJSON<
    never
  >[];
}

/**
 * A connect that "timed out" because this process was stopped while it waited
 * (SIGSTOP, a suspended laptop or container: the timer fires late, on resume).
 * Tried once more; a host that is really unreachable fails the second time too.
 */
function _stoppedConnect(err: unknown, attempt: number): boolean {
  return attempt === 0 && errorCode(err) === "CONNECT_TIMEOUT";
}

async function _query(run: Runner, url: string, sql: string, params: SqlValue[]) {
  for (let attempt = 0;; attempt++) {
    try {
      return await run.unsafe(toPgPlaceholders(sql), _bind(params));
    } catch (err) {
      if (_stoppedConnect(err, attempt)) continue;
      throw pgFailure(err, url);
    }
  }
}

/** Shared statement methods of the pool-level Db and the transaction handle. */
abstract class PgQueryable {
  readonly dialect: Dialect = "postgres";
  protected abstract runner(): Runner;
  protected abstract readonly url: string;

  async get<T = Row>(sql: string, ...params: SqlValue[]): Promise<T | undefined> {
    const rows = await _query(this.runner(), this.url, sql, params);
    return rows[0] as T | undefined;
  }

  async all<T = Row>(sql: string, ...params: SqlValue[]): Promise<T[]> {
    const rows = await _query(this.runner(), this.url, sql, params);
    return Array.from(rows) as T[];
  }

  async run(sql: string, ...params: SqlValue[]): Promise<RunResult> {
    const result = await _query(this.runner(), this.url, sql, params);
    return { changes: result.count ?? 0 };
  }
}

/** The handle a transaction's callback receives: statements run on its connection; nesting joins it. */
class PgTx extends PgQueryable implements Db {
  readonly label: string;
  protected readonly url: string;
  readonly #tx: TxSql;
  readonly #owner: PgDb;

  constructor(tx: TxSql, owner: PgDb) {
    super();
    this.#tx = tx;
    this.#owner = owner;
    this.url = owner.url;
    this.label = owner.label;
  }

  protected runner(): Runner {
    return this.#tx;
  }

  write<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    return fn(this);
  }

  read<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    return fn(this);
  }

  schemaVersion(): Promise<number> {
    return pgSchemaVersion(this);
  }

  changes(): Promise<ChangeFeed> {
    return this.#owner.changes();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** A PostgreSQL store: a small connection pool plus a LISTEN connection for waits. */
export class PgDb extends PgQueryable implements Db {
  readonly label: string;
  readonly url: string;
  readonly #sql: Sql;
  readonly #beginWrite: string;
  #closed = false;

  /** Wraps a client made by open_postgres.ts; `url` is kept only to scrub it from errors. */
  constructor(sql: Sql, url: string, options: { lockTimeoutMs?: number } = {}) {
    super();
    this.#beginWrite = _beginWrite(options.lockTimeoutMs ?? LOCK_TIMEOUT_MS);
    installCrashGuard();
    this.#sql = sql;
    this.url = url;
    this.label = redactUrl(url);
  }

  protected runner(): Runner {
    return this.#sql;
  }

  /** The transaction of this store that the calling async chain is inside, if any. */
  #joined(): PgTx | undefined {
    const current = _current.getStore();
    return current?.owner === this ? current.tx : undefined;
  }

  override get<T = Row>(sql: string, ...params: SqlValue[]): Promise<T | undefined> {
    const tx = this.#joined();
    return tx ? tx.get<T>(sql, ...params) : super.get<T>(sql, ...params);
  }

  override all<T = Row>(sql: string, ...params: SqlValue[]): Promise<T[]> {
    const tx = this.#joined();
    return tx ? tx.all<T>(sql, ...params) : super.all<T>(sql, ...params);
  }

  /** A statement outside a transaction that may write: it runs as a write transaction of its own. */
  override run(sql: string, ...params: SqlValue[]): Promise<RunResult> {
    const tx = this.#joined();
    return tx ? tx.run(sql, ...params) : this.write((t) => t.run(sql, ...params));
  }

  write<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    const joined = this.#joined();
    if (joined) return fn(joined);
    return this.#retrying(() =>
      this.#sql.begin(async (raw) => {
        await raw.unsafe(this.#beginWrite);
        const tx = new PgTx(raw, this);
        const result = await _current.run({ owner: this, tx }, () => fn(tx));
        await raw.unsafe(_NOTIFY);
        return result;
      }) as Promise<T>
    );
  }

  read<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    const joined = this.#joined();
    if (joined) return fn(joined);
    return this.#retrying(() =>
      this.#sql.begin("isolation level repeatable read read only", (raw) => {
        const tx = new PgTx(raw, this);
        return _current.run({ owner: this, tx }, () => fn(tx));
      }) as Promise<T>
    );
  }

  schemaVersion(): Promise<number> {
    return pgSchemaVersion(this);
  }

  async changes(): Promise<ChangeFeed> {
    try {
      return await PgChangeFeed.open(this.#sql);
    } catch (err) {
      throw pgFailure(err, this.url);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#sql.end({ timeout: _CLOSE_TIMEOUT_S });
  }

  /** Runs a whole transaction again when it lost a race; `STORAGE_BUSY` once the retries are spent. */
  async #retrying<T>(attempt: () => Promise<T>): Promise<T> {
    for (let n = 0;; n++) {
      try {
        return await attempt();
      } catch (err) {
        if (_stoppedConnect(err, n)) continue;
        if (!isBusy(err)) throw pgFailure(err, this.url);
        if (n >= WRITE_RETRIES) {
          throw new AppError(
            "STORAGE_BUSY",
            `PostgreSQL store "${this.label}" stayed busy: ${WRITE_RETRIES} retries failed (${
              (err as Error).message
            })`,
            { db: this.label, retries: WRITE_RETRIES },
          );
        }
        const ceiling = Math.min(_RETRY_MAX_MS, _RETRY_BASE_MS * 2 ** n);
        await new Promise((r) => setTimeout(r, ceiling / 2 + Math.random() * ceiling / 2));
      }
    }
  }
}
