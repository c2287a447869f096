import type { ChangeFeed } from "../db.ts";
import { FALLBACK_POLL_MS } from "../db.ts";
import { nap } from "../nap.ts";
import type { SqliteDb } from "./sqlite_db.ts";
import { ensureWakeFile, wakeFilePath } from "./wake_file.ts";

/**
 * The last segment of a path (either separator). Not node:path: importing it loads
 * Deno's Node compatibility layer (~40 modules) on every command that may wait.
 */
function _fileName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1);
}

/** Where file-change notifications are unavailable, `data_version` is sampled this often. */
export const POLL_MS = 10;

export interface SqliteChangesOptions {
  /** Watch the database's WAL for changes (default true); false: poll every `pollMs`. */
  watch?: boolean;
  /** How often `data_version` is sampled without notifications. Default: {@linkcode POLL_MS}. */
  pollMs?: number;
  /** How often it is sampled while notifications work. Default: {@linkcode FALLBACK_POLL_MS}. */
  fallbackPollMs?: number;
}

/**
 * Commits seen through SQLite: `PRAGMA data_version` changes only when
 * another connection commits, and a waiter sleeps until the database's wake
 * file changes (a file-system notification; every connection of this program
 * writes it right after each commit, see wake_file.ts), with a slow fallback
 * sample that also catches commits of other programs (the sqlite3 shell) and
 * file systems whose notifications are unreliable. Where notifications are
 * unavailable it samples every `pollMs`. No read transaction is held while
 * idle (no checkpoint starvation).
 */
export function sqliteChanges(db: SqliteDb, options: SqliteChangesOptions = {}): ChangeFeed {
  const signal = options.watch === false ? undefined : FileSignal.open(db.path);
  const idlePollMs = signal
    ? options.fallbackPollMs ?? FALLBACK_POLL_MS
    : options.pollMs ?? POLL_MS;
  return {
    version: () => Promise.resolve(db.dataVersion()),
    async next(ms: number, abort?: AbortSignal): Promise<void> {
      await nap(Math.min(ms, idlePollMs), signal, signal?.count ?? 0, abort);
    },
    close(): Promise<void> {
      signal?.close();
      return Promise.resolve();
    },
  };
}

/**
 * Counts file-change notifications for one database's wake file, and lets a waiter sleep
 * until the count moves past what it saw or a timeout passes.
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
   * A signal for the database at `path` (its wake file, created when
   * missing), or undefined where it cannot notify. Only that file is watched,
   * never the directory: Deno's watcher on the directory makes this process
   * lose its SQLite locks on the database and `-shm` (seen on Linux: another
   * process's close then checkpoints and resets the WAL under this
   * connection, which stops seeing commits).
   */
  static open(path: string): FileSignal | undefined {
    const wake = wakeFilePath(path);
    if (!wake || !ensureWakeFile(wake)) return undefined;
    try {
      const watcher = Deno.watchFs(wake, { recursive: false });
      return new FileSignal(watcher, new Set([_fileName(wake)]));
    } catch {
      return undefined; // no permission, no inotify slots: poll
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
    return nap(ms, this, seen, undefined);
  }

  close(): void {
    try {
      this.#watcher.close();
    } catch { /* already closed */ }
  }
}
