/** Something that counts changes and calls one listener at the next one. */
export interface ChangeCounter {
  readonly count: number;
  onChange(fn: (() => void) | undefined): void;
}

/**
 * Sleeps `ms`, or less: until `signal` counts a change past `seen`, or
 * `abort` fires. Leaves no timer or listener behind.
 */
export function nap(
  ms: number,
  signal: ChangeCounter | undefined,
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
