import type { Db } from "./db.ts";

/**
 * The last segment of a path (either separator). Not node:path: importing it loads
 * Deno's Node compatibility layer (~40 modules) on every command that may wait.
 */
function _fileName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1);
}

export interface WaitUntilOptions {
  /** Give up after this many milliseconds. */
  timeoutMs: number;
  /**
   * How often `PRAGMA data_version` is sampled when file-change notifications
   * are unavailable. Default: 10 ms.
   */
  pollMs?: number;
  /**
   * How often it is sampled while notifications work: a slow fallback for
   * file systems whose notifications are unreliable. Default: 1000 ms.
   */
  fallbackPollMs?: number;
  /** Re-run `check` at least this often even without a commit (time-based conditions). Default: 1000 ms. */
  recheckMs?: number;
  /** Watch the database's files for changes (default true); false: poll every `pollMs`. */
  watch?: boolean;
  /** Ends the wait early (as a timeout: `undefined`). */
  abort?: AbortSignal;
}

/** After a notification without a visible commit, sample this often for a while (see below). */
const _BURST_POLL_MS = 5;
/** How long that fast sampling lasts after the last notification. */
const _BURST_MS = 100;

/**
 * Waits until `check` returns a value. Between checks the waiter sleeps until
 * the database's WAL changes (a file-system notification), then samples
 * `PRAGMA data_version`, which changes only when another connection commits.
 * An idle wait therefore costs nothing but a slow fallback sample (every
 * `fallbackPollMs`, for file systems whose notifications are unreliable), and
 * holds no read transaction (no checkpoint starvation). A notification can
 * arrive a moment before the commit is visible (the WAL is written before its
 * index), so after one the version is sampled every few milliseconds for a
 * short while. Where notifications are unavailable it samples every `pollMs`.
 * Returns `undefined` on timeout.
 */
export async function waitUntil<T>(
  db: Db,
  check: () => T | undefined,
  options: WaitUntilOptions,
): Promise<T | undefined> {
  const recheckMs = options.recheckMs ?? 1000;
  const deadline = performance.now() + options.timeoutMs;
  const signal = options.watch === false ? undefined : FileSignal.open(db.path);
  const idlePollMs = signal ? options.fallbackPollMs ?? 1000 : options.pollMs ?? 10;
  try {
    for (;;) {
      const version = db.dataVersion();
      const found = check();
      if (found !== undefined) return found;
      const checkedAt = performance.now();
      let burstUntil = 0;
      for (;;) {
        const now = performance.now();
        if (now >= deadline || options.abort?.aborted) return undefined;
        const seen = signal?.count ?? 0;
        const recheckAt = checkedAt + recheckMs;
        const nap = now < burstUntil ? _BURST_POLL_MS : idlePollMs;
        const wakeAt = Math.min(deadline, recheckAt, now + nap);
        await _nap(wakeAt - now, signal, seen, options.abort);
        if (options.abort?.aborted) return undefined;
        if (signal && signal.count !== seen) burstUntil = performance.now() + _BURST_MS;
        if (db.dataVersion() !== version) break;
        if (performance.now() - checkedAt >= recheckMs) break;
      }
    }
  } finally {
    signal?.close();
  }
}

/**
 * Sleeps `ms`, or less: until `signal` counts a change past `seen`, or
 * `abort` fires. Leaves no timer or listener behind.
 */
function _nap(
  ms: number,
  signal: FileSignal | undefined,
  seen: number,
  abort: AbortSignal | undefined,
): Promise<void> {
  if (abort?.aborted || (signal && signal.count !== seen)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      abort?.removeEventListener("abort", done);
      signal?.onChange(undefined);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    abort?.addEventListener("abort", done);
    signal?.onChange(done);
  });
}

/**
 * Counts file-change notifications for one database's WAL, and lets a waiter sleep until
 * the count moves past what it saw or a timeout passes.
 */
export class FileSignal {
  /** Notifications seen so far. */
  count = 0;
  #watcher: Deno.FsWatcher;
  #wake: (() => void) | undefined;
  #names: Set<string>;

  private constructor(watcher: Deno.FsWatcher, names: Set<string>) {
    this.#watcher = watcher;
    this.#names = names;
    this.#pump();
  }

  /**
   * A signal for the database at `path` (its `-wal` file, which every commit
   * writes), or undefined where it cannot notify. Only the WAL is watched,
   * never the directory: Deno's watcher on the directory makes this process
   * lose its SQLite locks on the database and `-shm` (seen on Linux: another
   * process's close then checkpoints and resets the WAL under this
   * connection, which stops seeing commits).
   */
  static open(path: string): FileSignal | undefined {
    if (path === ":memory:" || path === "") return undefined;
    const wal = `${path}-wal`;
    try {
      const watcher = Deno.watchFs(wal, { recursive: false });
      return new FileSignal(watcher, new Set([_fileName(wal)]));
    } catch {
      return undefined; // no WAL yet, no permission, no inotify slots: poll
    }
  }

  async #pump(): Promise<void> {
    try {
      for await (const event of this.#watcher) {
        if (event.kind === "access") continue;
        if (!event.paths.some((p) => this.#names.has(_fileName(p)))) continue;
        this.count++;
        const wake = this.#wake;
        this.#wake = undefined;
        wake?.();
      }
    } catch {
      // The watcher failed or was closed: waiters fall back to their timeouts.
    }
  }

  /** Calls `fn` once at the next change (one listener at a time; undefined removes it). */
  onChange(fn: (() => void) | undefined): void {
    this.#wake = fn;
  }

  /** Resolves when `count` moves past `seen`, or after `ms`. */
  next(seen: number, ms: number): Promise<void> {
    return _nap(ms, this, seen, undefined);
  }

  close(): void {
    try {
      this.#watcher.close();
    } catch { /* already closed */ }
  }
}
