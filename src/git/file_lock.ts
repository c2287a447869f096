/**
 * Advisory file locks (`flock`) that say "a live process is working on this":
 * the kernel drops them when the process dies, however it dies, so a lock
 * nobody holds proves its last holder is gone.
 *
 * @module
 */

import { dirname } from "../path.ts";

/** A held lock. `release` is idempotent. */
export interface FileLock {
  release(): void;
}

/**
 * Takes the exclusive lock on `path` (created, with its directory, if
 * missing) without waiting. Returns null while another open file holds it
 * (another process, or another open in this one).
 */
export function tryLockFile(path: string): FileLock | null {
  Deno.mkdirSync(dirname(path), { recursive: true });
  const file = Deno.openSync(path, { read: true, write: true, create: true });
  let locked = false;
  try {
    locked = file.tryLockSync(true);
  } finally {
    if (!locked) file.close();
  }
  if (!locked) return null;
  let held = true;
  return {
    release() {
      if (!held) return;
      held = false;
      try {
        file.unlockSync();
      } finally {
        file.close();
      }
    },
  };
}
