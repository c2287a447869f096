/**
 * Commit notifications from PostgreSQL: every write transaction sends
 * `NOTIFY coord_change` before it commits, and the server delivers it to
 * listeners only once the commit is visible. A feed LISTENs on a connection of
 * its own, outside any transaction, so an idle waiter holds no snapshot.
 */
import type { Sql } from "postgres";
import type { ChangeFeed } from "../db.ts";

/** The channel every write transaction notifies before COMMIT. */
export const CHANGE_CHANNEL = "coord_change";

/**
 * Counts notifications. {@linkcode PgChangeFeed.next} returns at once when one
 * arrived since the caller last sampled {@linkcode PgChangeFeed.version} (or
 * since the previous `next`), so a commit between a check and the sleep is
 * never missed.
 */
export class PgChangeFeed implements ChangeFeed {
  #count = 0;
  #seen = 0;
  #wake: (() => void) | undefined;
  #unlisten: (() => Promise<void>) | undefined;
  #closed = false;

  private constructor() {}

  /**
   * Starts listening; resolves once LISTEN is in place, so any commit after
   * this returns is seen. A lost listening connection is re-established by the
   * driver; each re-subscription counts as a change (notifications may have
   * been missed meanwhile), so waiters re-check.
   */
  static async open(sql: Sql): Promise<PgChangeFeed> {
    const feed = new PgChangeFeed();
    let subscribed = false;
    const { unlisten } = await sql.listen(CHANGE_CHANNEL, () => feed.#bump(), () => {
      if (subscribed) feed.#bump();
      subscribed = true;
    });
    feed.#unlisten = unlisten;
    return feed;
  }

  #bump(): void {
    this.#count++;
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  version(): Promise<number> {
    this.#seen = this.#count;
    return Promise.resolve(this.#count);
  }

  next(ms: number, abort?: AbortSignal): Promise<void> {
    if (this.#count !== this.#seen || this.#closed || abort?.aborted || ms <= 0) {
      this.#seen = this.#count;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        abort?.removeEventListener("abort", done);
        if (this.#wake === done) this.#wake = undefined;
        this.#seen = this.#count;
        resolve();
      };
      const timer = setTimeout(done, ms);
      abort?.addEventListener("abort", done, { once: true });
      const previous = this.#wake;
      this.#wake = previous
        ? () => {
          previous();
          done();
        }
        : done;
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#wake?.();
    await this.#unlisten?.();
  }
}
