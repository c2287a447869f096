/**
 * The wake file: `<database>-wake`, beside the `-wal` and `-shm` files. Every
 * connection of this program writes one byte into it right after each commit
 * (after `COMMIT` returns, so the change is visible), and waiters sleep on its
 * file-change notification. Its content means nothing; only the notification
 * does. The WAL itself is not watched: SQLite writes it several times per
 * commit, before the commit is visible, so every commit woke every waiter
 * several times and each then had to sample the database until the commit
 * showed (with 50 waiters that was most of two cores for ~100 ms).
 */

/** The suffix of the wake file beside a database. */
export const WAKE_SUFFIX = "-wake";

/** The wake file of the database at `dbPath`, or undefined for an in-memory database. */
export function wakeFilePath(dbPath: string): string | undefined {
  if (dbPath === "" || dbPath === ":memory:") return undefined;
  return dbPath + WAKE_SUFFIX;
}

const _BYTE = new Uint8Array([0x2a]);

/**
 * Writes the wake file after each commit. Opened on the first commit; when it
 * cannot be (a read-only directory), commits go on and waiters fall back to
 * their slow safety re-check. Never throws.
 */
export class WakeWriter {
  #path: string | undefined;
  #file: Deno.FsFile | null | undefined;

  constructor(dbPath: string) {
    this.#path = wakeFilePath(dbPath);
  }

  /** Tells every waiter that a commit happened. */
  touch(): void {
    if (this.#file === undefined) this.#file = _open(this.#path);
    if (!this.#file) return;
    try {
      this.#file.seekSync(0, Deno.SeekMode.Start);
      this.#file.writeSync(_BYTE);
    } catch {
      this.close();
      this.#file = null;
    }
  }

  close(): void {
    try {
      this.#file?.close();
    } catch { /* already closed */ }
    this.#file = undefined;
  }
}

function _open(path: string | undefined): Deno.FsFile | null {
  if (!path) return null;
  try {
    return Deno.openSync(path, { write: true, create: true });
  } catch {
    return null;
  }
}

/** Makes sure the wake file exists (a watch needs it); false when it cannot. */
export function ensureWakeFile(path: string): boolean {
  try {
    Deno.openSync(path, { write: true, create: true }).close();
    return true;
  } catch {
    return false;
  }
}
