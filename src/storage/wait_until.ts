import type { ChangeFeed, ChangeFeedOptions, Db } from "./db.ts";

export { FALLBACK_POLL_MS } from "./db.ts";

export interface WaitUntilOptions extends ChangeFeedOptions {
  /** Give up after this many milliseconds. */
  timeoutMs: number;
  /**
   * Re-run `check` at least this often even without a commit (conditions that
   * change with time alone, such as an expired lease). Default: {@linkcode RECHECK_MS}.
   */
  recheckMs?: number;
  /** Ends the wait early (as a timeout: `undefined`). */
  abort?: AbortSignal;
  /** The feed to sleep on (default: `db.changes()` with `fallbackPollMs`, closed at the end). */
  feed?: ChangeFeed;
}

/**
 * How often a waiter re-runs its check without any commit, by default (for
 * time-based conditions; a wait on commits alone passes FALLBACK_POLL_MS).
 */
export const RECHECK_MS = 1000;

/**
 * Waits until `check` returns a value. Between checks the waiter sleeps on
 * the store's change feed (SQLite: the WAL file's change notifications;
 * PostgreSQL: LISTEN/NOTIFY), and re-checks when the feed's version moved
 * (another connection committed) or `recheckMs` passed. Returns `undefined`
 * on timeout.
 */
export async function waitUntil<T>(
  db: Db,
  check: () => Promise<T | undefined>,
  options: WaitUntilOptions,
): Promise<T | undefined> {
  const recheckMs = options.recheckMs ?? RECHECK_MS;
  const deadline = performance.now() + options.timeoutMs;
  const feed = options.feed ??
    await db.changes(
      options.fallbackPollMs === undefined ? {} : { fallbackPollMs: options.fallbackPollMs },
    );
  try {
    for (;;) {
      const version = await feed.version();
      const found = await check();
      if (found !== undefined) return found;
      const checkedAt = performance.now();
      for (;;) {
        const now = performance.now();
        if (now >= deadline || options.abort?.aborted) return undefined;
        await feed.next(Math.min(deadline, checkedAt + recheckMs) - now, options.abort);
        if (options.abort?.aborted) return undefined;
        if (await feed.version() !== version) break;
        if (performance.now() - checkedAt >= recheckMs) break;
      }
    }
  } finally {
    if (!options.feed) await feed.close();
  }
}
