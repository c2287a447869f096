import type { Db } from "./db.ts";

export interface WaitUntilOptions {
  /** Give up after this many milliseconds. */
  timeoutMs: number;
  /** How often `PRAGMA data_version` is sampled. Default: 10 ms. */
  pollMs?: number;
  /** Re-run `check` at least this often even without a commit (time-based conditions). Default: 1000 ms. */
  recheckMs?: number;
  /** Called on each idle tick that did not re-check (for lease keep-alive and the like). */
  onTick?: () => void;
}

/**
 * Waits until `check` returns a value. Between checks it samples
 * `PRAGMA data_version`, which changes only when another connection commits,
 * so an idle wait costs one tiny pragma per poll and holds no read
 * transaction (no checkpoint starvation). Returns `undefined` on timeout.
 */
export async function waitUntil<T>(
  db: Db,
  check: () => T | undefined,
  options: WaitUntilOptions,
): Promise<T | undefined> {
  const pollMs = options.pollMs ?? 10;
  const recheckMs = options.recheckMs ?? 1000;
  const deadline = performance.now() + options.timeoutMs;
  for (;;) {
    const version = db.dataVersion();
    const found = check();
    if (found !== undefined) return found;
    const checkedAt = performance.now();
    for (;;) {
      const now = performance.now();
      if (now >= deadline) return undefined;
      await new Promise((r) => setTimeout(r, Math.min(pollMs, deadline - now)));
      if (db.dataVersion() !== version) break;
      if (performance.now() - checkedAt >= recheckMs) break;
      options.onTick?.();
    }
  }
}
