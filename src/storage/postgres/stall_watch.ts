/**
 * Tells a connect that timed out because this process was stopped (SIGSTOP,
 * a suspended laptop or container) from one that timed out because the
 * server is unreachable. The client's connect timeout is a timer: a process
 * stopped while it connects finds it expired when it runs again, however
 * briefly it had really waited. A stopped process's timers do not run, so a
 * tick that comes much later than it was due means the process was stopped
 * (or its event loop blocked) in between.
 */

/** How often the watch ticks while a PostgreSQL store is open. */
export const STALL_TICK_MS = 500;
/** A tick this much later than the previous one means the process did not run in between. */
export const STALL_MS = 2000;

let _lastTick = 0;
/** When the latest stall ended (the late tick), or -Infinity. */
let _lastStallEnd = -Infinity;
let _timer: ReturnType<typeof setInterval> | undefined;
let _users = 0;

function _tick(): void {
  const now = performance.now();
  if (now - _lastTick > STALL_MS) _lastStallEnd = now;
  _lastTick = now;
}

/** Starts watching (while any store is open; the timer never keeps the process alive). */
export function watchStalls(): () => void {
  if (_users++ === 0) {
    _lastTick = performance.now();
    _timer = setInterval(_tick, STALL_TICK_MS);
    Deno.unrefTimer(_timer as unknown as number);
  }
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    if (--_users === 0) {
      clearInterval(_timer);
      _timer = undefined;
    }
  };
}

/**
 * Whether the process was stopped at some point after `since` (a
 * `performance.now()` value): a stall ended since then, or one is ending now
 * (a timer that fired on resume can run before the watch's own tick).
 */
export function stalledSince(since: number): boolean {
  if (_timer === undefined) return false;
  return _lastStallEnd >= since || performance.now() - _lastTick > STALL_MS;
}
