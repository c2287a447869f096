/**
 * A guard against a known bug of the `postgres` client (3.4.9, unfixed
 * upstream: porsager/postgres#1154, #1208): when the server closes a
 * connection while a small write is queued, the queued write later runs on a
 * socket the client already dropped and throws from a timer callback, where
 * no caller can catch it, so the whole process would die with a stack trace.
 * By then the client has already rejected the affected statement with
 * CONNECTION_CLOSED (reported as STORAGE_ERROR connection_lost), so the throw
 * is only the leftover write: this guard swallows exactly that error and
 * nothing else. Remove it once the client ships the fix.
 */

let _installed = false;
let _swallowed = 0;

/** True for the client's write-after-close TypeError, and only for it. */
export function isClosedSocketWrite(error: unknown): boolean {
  if (!(error instanceof TypeError)) return false;
  const stack = error.stack ?? "";
  return /reading 'write'|evaluating 'socket\.write'/.test(error.message) &&
    /[/\\]postgres[/\\][^\n]*connection\.js/.test(stack) && /nextWrite/.test(stack);
}

/** How many such errors were swallowed in this process (for tests). */
export function swallowedClosedSocketWrites(): number {
  return _swallowed;
}

/** Installs the guard once per process (idempotent). */
export function installCrashGuard(): void {
  if (_installed) return;
  _installed = true;
  globalThis.addEventListener("error", (event) => {
    if (isClosedSocketWrite(event.error)) {
      event.preventDefault();
      _swallowed++;
    }
  });
}
