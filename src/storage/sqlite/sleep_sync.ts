const _cell = new Int32Array(new SharedArrayBuffer(4));

/** Blocks the thread for `ms` milliseconds (used only between busy retries). */
export function sleepSync(ms: number): void {
  Atomics.wait(_cell, 0, 0, ms);
}
