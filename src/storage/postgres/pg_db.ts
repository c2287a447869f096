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
import { stalledSince, watchStalls } from "./stall_watch.ts";

/** The client, as PgDb uses it (value conversions are set up by open_postgres.ts). */
export type PgClient = postgres.Sql<Record<string, unknown>>;
type Sql = PgClient;

/** What the transaction machinery sees of the client's connection object (postgres.js internals). */
interface _Connection {
  onclose: ((err: unknown) => void) | null;
  terminate(): void;
}

/** Waits until `promise` settles, at most `ms`. */
async function _settledWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    promise.catch(() => {}),
    new Promise((r) => timer = setTimeout(r, ms)),
  ]);
  clearTimeout(timer);
}

/** The statement failed because its connection is gone (`err` as pgFailure made it). */
function _isLost(err: unknown): boolean {
  return err instanceof AppError && err.details["reason"] === "connection_lost";
}

/** Shared by a transaction and its handle: the error its connection closed with, if it did. */
interface _TxState {
  lost: unknown;
  /** Settles once BEGIN is on a connection (rejects when it failed before). */
  begun: Promise<unknown>;
}

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
  return `BEGIN; SET LOCAL lock_timeout = '${Math.max(1, Math.floor(lockTimeoutMs))}ms'; ` +
    `SELECT pg_advisory_xact_lock(${WRITER_LOCK_KEY})`;
}
/** How a write transaction ends: the NOTIFY, in the same transaction, then COMMIT (one round trip). */
const _END_WRITE = `SELECT pg_notify('${CHANGE_CHANNEL}', ''); COMMIT`;
/** A read: one snapshot for the whole callback. */
const _BEGIN_READ = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
const _END_READ = "COMMIT";

/**
 * The transaction the current async call chain is inside, if any: a statement
 * issued on the PgDb itself from within a `write`/`read` callback joins that
 * transaction, as every statement does on SQLite's single connection. Without
 * this it would run on another pooled connection: outside the transaction (a
 * write would not roll back with it) and, for a write, waiting for the writer
 * lock its own transaction holds (a self-deadlock).
 */
const _current = new AsyncLocalStorage<{ owner: PgDb; tx: PgTx }>();

/** What runs a statement: the store's client (one connection). */
type Runner = Sql;

/** Booleans are stored as integers (as in SQLite); everything else binds as is. */
function _bind(params: SqlValue[]): postgres.ParameterOrJSON<never>[] {
  return params.map((p) => (p === true ? 1 : p === false ? 0 : p)) as postgres.ParameterOrJSON<
    never
  >[];
}

/** How long changes() waits, at most, for the client to drop a LISTEN whose connect failed. */
const _STALE_LISTEN_WAIT_MS = 10;
const _STALE_LISTEN_WAITS = 100;

/** Connects tried again after each timed out because this process was stopped meanwhile. */
export const STOPPED_CONNECT_RETRIES = 5;

/**
 * A connect that "timed out" because this process was stopped while it waited
 * (SIGSTOP, a suspended laptop or container: the timer fires late, on resume;
 * see stall_watch.ts), as opposed to a host that did not answer: tried again.
 */
function _stoppedConnect(err: unknown, since: number, retries: number): boolean {
  return retries < STOPPED_CONNECT_RETRIES && errorCode(err) === "CONNECT_TIMEOUT" &&
    stalledSince(since);
}

/** How every statement with parameters is sent (the bench's raw baseline sends its own the same way). */
export const STATEMENT_OPTIONS = { prepare: true } as const;

async function _query(run: Runner, url: string, sql: string, params: SqlValue[]) {
  for (let retries = 0;; retries++) {
    const since = performance.now();
    try {
      return await run.unsafe(toPgPlaceholders(sql), _bind(params), STATEMENT_OPTIONS);
    } catch (err) {
      if (_stoppedConnect(err, since, retries)) continue;
      throw pgFailure(err, url);
    }
  }
}

/** Shared statement methods of the pool-level Db and the transaction handle. */
abstract class PgQueryable {
  readonly dialect: Dialect = "postgres";
  protected abstract runner(): Runner;
  protected abstract readonly url: string;

  protected query(sql: string, params: SqlValue[]) {
    return _query(this.runner(), this.url, sql, params);
  }

  async get<T = Row>(sql: string, ...params: SqlValue[]): Promise<T | undefined> {
    const rows = await this.query(sql, params);
    return rows[0] as T | undefined;
  }

  async all<T = Row>(sql: string, ...params: SqlValue[]): Promise<T[]> {
    const rows = await this.query(sql, params);
    return Array.from(rows) as T[];
  }

  async run(sql: string, ...params: SqlValue[]): Promise<RunResult> {
    const result = await this.query(sql, params);
    return { changes: result.count ?? 0 };
  }
}

/** The handle a transaction's callback receives: statements run on its connection; nesting joins it. */
class PgTx extends PgQueryable implements Db {
  readonly label: string;
  protected readonly url: string;
  readonly #tx: Sql;
  readonly #owner: PgDb;
  readonly #ready: Promise<unknown>;
  readonly #state: _TxState;

  /**
   * `ready` is the transaction's first statement (BEGIN and the writer lock), sent but not
   * awaited: the callback's statements are pipelined behind it on the same connection and run
   * only once it succeeded. When it failed, they fail with "transaction aborted", and its error is
   * the one that counts (a lock timeout is busy, and the whole transaction is retried). None is
   * sent before BEGIN is on a connection (`state.begun`): one queued while the client connects
   * could be sent on another connection, outside the transaction, should that connect fail.
   */
  constructor(tx: Sql, owner: PgDb, ready: Promise<unknown>, state: _TxState) {
    super();
    this.#tx = tx;
    this.#owner = owner;
    this.#ready = ready;
    this.#state = state;
    this.url = owner.url;
    this.label = owner.label;
  }

  protected runner(): Runner {
    return this.#tx;
  }

  protected override async query(sql: string, params: SqlValue[]) {
    // Its connection is gone: the transaction is over (a statement now would wait forever).
    if (this.#state.lost !== undefined) throw pgFailure(this.#state.lost, this.url);
    await this.#state.begun;
    if (this.#state.lost !== undefined) throw pgFailure(this.#state.lost, this.url);
    try {
      return await super.query(sql, params);
    } catch (err) {
      if (_isLost(err)) this.#state.lost ??= err;
      await this.#ready;
      throw err;
    }
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
  /** Settles when the last statement or transaction queued on the connection has finished. */
  #turn: Promise<void> = Promise.resolve();
  /** The connection was lost: see #afterLoss. */
  #lost = false;
  readonly #unwatch: () => void;

  /** Wraps a client made by open_postgres.ts; `url` is kept only to scrub it from errors. */
  constructor(sql: Sql, url: string, options: { lockTimeoutMs?: number } = {}) {
    super();
    this.#beginWrite = _beginWrite(options.lockTimeoutMs ?? LOCK_TIMEOUT_MS);
    installCrashGuard();
    this.#unwatch = watchStalls();
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
    return tx ? tx.get<T>(sql, ...params) : this.#exclusive(() => super.get<T>(sql, ...params));
  }

  override all<T = Row>(sql: string, ...params: SqlValue[]): Promise<T[]> {
    const tx = this.#joined();
    return tx ? tx.all<T>(sql, ...params) : this.#exclusive(() => super.all<T>(sql, ...params));
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
      this.#exclusive(() => this.#transaction(this.#beginWrite, _END_WRITE, fn))
    );
  }

  read<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    const joined = this.#joined();
    if (joined) return fn(joined);
    return this.#retrying(() =>
      this.#exclusive(() => this.#transaction(_BEGIN_READ, _END_READ, fn))
    );
  }

  /**
   * Runs `task` once every statement and transaction this store started before
   * it has finished: the store has one connection, and a transaction must have
   * it to itself (a statement of another async chain sent meanwhile would run
   * inside it). Writers are serialised by the server anyway (the writer lock);
   * this only makes a process's own callers take turns.
   */
  #exclusive<T>(task: () => Promise<T>): Promise<T> {
    const turn = this.#turn.then(async () => {
      if (this.#lost) await this.#afterLoss();
      try {
        return await task();
      } catch (err) {
        if (_isLost(err)) this.#lost = true;
        throw err;
      }
    });
    this.#turn = turn.then(() => {}, () => {});
    return turn;
  }

  /**
   * The first statement after a lost connection opens a new one and may be
   * handed the server's last word on the old one (postgres.js keeps a FATAL
   * error such as "terminating connection due to administrator command" across
   * the reconnect and fails the next statement with it). A throwaway statement
   * takes it; should it fail for another reason (the server is still down), the
   * next statement reports that.
   */
  async #afterLoss(): Promise<void> {
    this.#lost = false;
    await this.#sql.unsafe("SELECT 1").catch(() => {});
  }

  /**
   * One transaction on the store's connection, in as few round trips as the
   * protocol allows: `begin` (BEGIN and, for a write, the writer lock: one
   * simple query) is sent without waiting, so the callback's first statement
   * travels with it; `end` (for a write the NOTIFY and COMMIT, again one simple
   * query) is the last round trip. Anything thrown rolls back. A connection
   * that closes under the transaction fails it at once (as the client's own
   * `begin` does): none of its statements is sent again, on the connection the
   * client opens next, outside the transaction. A connection whose state is
   * unknown (a failed ROLLBACK) is closed, never used again.
   */
  async #transaction<T>(begin: string, end: string, fn: (tx: Db) => Promise<T>): Promise<T> {
    const sql = this.#sql;
    let connection: _Connection | undefined;
    let closed = false;
    let onLost!: (err: unknown) => void;
    const lost = new Promise<never>((_, reject) => onLost = reject);
    lost.catch(() => {});
    let onBegun!: () => void;
    const onConnection = new Promise<void>((resolve) => onBegun = resolve);
    const started = sql.unsafe(begin, [], {
      // Called as the client writes `begin` on its connection: watch that connection close.
      onexecute: (c: _Connection) => {
        connection = c;
        onBegun();
        c.onclose = (err: unknown) => {
          closed = true;
          state.lost ??= err ?? new Error("the connection closed");
          onLost(state.lost);
        };
        return true; // later statements may be pipelined behind it
      },
    } as postgres.UnsafeQueryOptions);
    started.catch(() => {}); // awaited below, or through a statement's failure
    const begun = Promise.race([onConnection, started]);
    begun.catch(() => {});
    const state: _TxState = { lost: undefined, begun };
    const tx = new PgTx(sql, this, started, state);
    const body = (async () => {
      const result = await _current.run({ owner: this, tx }, () => fn(tx));
      await started;
      if (state.lost !== undefined) throw state.lost;
      await sql.unsafe(end);
      return result;
    })();
    body.catch(() => {});
    let clean = false;
    try {
      const result = await Promise.race([body, lost]);
      clean = true;
      return result;
    } catch (err) {
      // The writer lock's failure is the one that counts (busy: retried).
      const first = await Promise.race([started.then(() => undefined, (e: unknown) => e), lost])
        .catch(() => undefined);
      if (connection === undefined) {
        clean = true; // BEGIN never reached a connection (it could not connect): nothing to undo
      } else if (state.lost === undefined) {
        clean = await Promise.race([sql.unsafe("ROLLBACK").then(() => true), lost])
          .catch(() => false);
      }
      throw first ?? err;
    } finally {
      // Lost (the client may not have seen it close yet), or perhaps still in a transaction: close
      // it, and let the next statement wait until the client has, so it reconnects.
      if (!closed && connection !== undefined && (state.lost !== undefined || !clean)) {
        connection.terminate();
        await _settledWithin(lost, _CLOSE_TIMEOUT_S * 1000);
      }
      if (connection !== undefined) connection.onclose = null;
      if (state.lost !== undefined) this.#lost = true;
    }
  }

  schemaVersion(): Promise<number> {
    return pgSchemaVersion(this);
  }

  /**
   * A feed on the LISTEN connection (opened on first use). A connect that
   * timed out because this process was stopped is tried again, as a
   * statement's is. The client keeps the failed LISTEN until it has seen that
   * connection close (then re-subscribes it itself): a retry that meets it
   * waits a moment for that.
   */
  async changes(): Promise<ChangeFeed> {
    let failed: unknown;
    for (let retries = 0, stale = 0;;) {
      const since = performance.now();
      try {
        return await PgChangeFeed.open(this.#sql);
      } catch (err) {
        if (err === failed && stale++ < _STALE_LISTEN_WAITS) {
          await new Promise((r) => setTimeout(r, _STALE_LISTEN_WAIT_MS));
          continue;
        }
        if (!_stoppedConnect(err, since, retries)) throw pgFailure(err, this.url);
        retries++;
        failed = err;
        stale = 0;
      }
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#unwatch();
    await this.#sql.end({ timeout: _CLOSE_TIMEOUT_S });
  }

  /** Runs a whole transaction again when it lost a race; `STORAGE_BUSY` once the retries are spent. */
  async #retrying<T>(attempt: () => Promise<T>): Promise<T> {
    for (let n = 0, stopped = 0;;) {
      const since = performance.now();
      try {
        return await attempt();
      } catch (err) {
        if (_stoppedConnect(err, since, stopped)) {
          stopped++;
          continue;
        }
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
        const ceiling = Math.min(_RETRY_MAX_MS, _RETRY_BASE_MS * 2 ** n++);
        await new Promise((r) => setTimeout(r, ceiling / 2 + Math.random() * ceiling / 2));
      }
    }
  }
}
