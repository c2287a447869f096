/**
 * The inbox's interface to the CLI: one {@linkcode InboxStore} whose methods
 * each delegate to one operation under `src/store/inbox/` (one file per
 * operation, each handed an {@linkcode InboxContext}).
 */
import type { Db } from "../storage/db.ts";
import { type Clock, systemClock } from "./clock.ts";
import type { ArtifactMeta, Message, Thread, ThreadStatus } from "./inbox_types.ts";
import type { InboxContext } from "./inbox/context.ts";
import type {
  FinishInput,
  LeaseRef,
  SendInput,
  SendResult,
  ThreadChange,
} from "./inbox/inbox_io.ts";
import type { ClaimResult } from "./inbox/claim_thread.ts";
import type { FetchResult } from "./inbox/fetch_messages.ts";
import type { UpdateInput } from "./inbox/update_thread.ts";

// The types of the store's signatures, for its callers: all of each module (one list, above).
export type * from "./inbox/context.ts";
export type * from "./inbox/inbox_io.ts";

/**
 * The inbox: threads, messages, leases, read cursors and artifacts. Every
 * method that changes state runs in one write transaction together with the
 * events it appends, and returns the rows it changed. Methods nest: called
 * inside another store's transaction they join it. The store is itself the
 * {@linkcode InboxContext} its operations are handed.
 */
export class InboxStore implements InboxContext {
  readonly db: Db;
  readonly clock: Clock;

  constructor(db: Db, clock: Clock = systemClock) {
    this.db = db;
    this.clock = clock;
  }

  /** The thread, or `THREAD_NOT_FOUND`. */
  async getThread(threadId: number): Promise<Thread> {
    return (await import("./inbox/get_thread.ts")).getThread(this, threadId);
  }

  /** A thread with its messages (each with artifact metadata). */
  async showThread(threadId: number): Promise<{ thread: Thread; messages: Message[] }> {
    return (await import("./inbox/show_thread.ts")).showThread(this, threadId);
  }

  /** Threads, newest first, optionally where `agent` is a participant and/or with a status. */
  async listThreads(
    options: { agent?: string; status?: ThreadStatus; limit?: number } = {},
  ): Promise<Thread[]> {
    return (await import("./inbox/list_threads.ts")).listThreads(this, options);
  }

  /** Creates a thread and its first message (type `task` or `note`). */
  async sendThread(input: SendInput): Promise<SendResult> {
    return (await import("./inbox/send_thread.ts")).sendThread(this, input);
  }

  /** Cancels a thread that is not final; any participant may. Clears the lease. */
  async cancelThread(agent: string, threadId: number, body?: string): Promise<ThreadChange> {
    return (await import("./inbox/cancel_thread.ts")).cancelThread(this, { agent, threadId }, body);
  }

  /** The thread, if `agent` is its sender, recipient or holder; otherwise `NOT_PARTICIPANT`. */
  async participantThread(threadId: number, agent: string): Promise<Thread> {
    return (await import("./inbox/participant_thread.ts")).participantThread(this, threadId, agent);
  }

  /** Claims `threadId`, or the oldest claimable thread addressed to `agent` (see claimThread). */
  async claimThread(
    agent: string,
    options: { threadId?: number; leaseSeconds?: number } = {},
  ): Promise<ClaimResult> {
    return (await import("./inbox/claim_thread.ts")).claimThread(this, agent, options);
  }

  /** Extends the caller's live lease. */
  async renewLease(ref: LeaseRef, leaseSeconds?: number): Promise<{ thread: Thread }> {
    return (await import("./inbox/renew_lease.ts")).renewLease(this, ref, leaseSeconds);
  }

  /** Throws what a lease-holder write would throw now for `ref`, writing nothing. */
  async checkLease(ref: LeaseRef): Promise<Thread> {
    return (await import("./inbox/check_lease.ts")).checkLease(this, ref);
  }

  /** Unread messages addressed to `agent`, oldest first (see fetchMessages). */
  async fetchMessages(
    agent: string,
    options: { limit?: number; peek?: boolean; all?: boolean } = {},
  ): Promise<FetchResult> {
    return (await import("./inbox/fetch_messages.ts")).fetchMessages(this, agent, options);
  }

  /** Messages addressed to `agent` after message id `after`, oldest first (no cursor change). */
  async messagesFor(
    agent: string,
    after: number,
    limit: number,
    options: { actionableOnly?: boolean } = {},
  ): Promise<Message[]> {
    return (await import("./inbox/messages_for.ts")).messagesFor(this, {
      agent,
      after,
      limit,
      ...options,
    });
  }

  /** The highest message id, 0 when there are none. */
  async latestMessageId(): Promise<number> {
    return (await import("./inbox/latest_message_id.ts")).latestMessageId(this);
  }

  /** The latest message in `threadId` sent by `agent`, 0 if none. */
  async lastMessageIdFrom(threadId: number, agent: string): Promise<number> {
    return (await import("./inbox/last_message_id_from.ts")).lastMessageIdFrom(
      this,
      threadId,
      agent,
    );
  }

  /** The first reply (or cancel) in the thread after `after` that `agent` did not send. */
  async findReply(threadId: number, agent: string, after: number): Promise<Message | undefined> {
    return (await import("./inbox/find_reply.ts")).findReply(this, { threadId, agent, after });
  }

  /** Progress, a blocked question, or verifying, from the lease holder. */
  async updateThread(ref: LeaseRef, input: UpdateInput): Promise<ThreadChange> {
    return (await import("./inbox/update_thread.ts")).updateThread(this, ref, input);
  }

  /** A message from a participant into an open thread; unblocks a blocked one. */
  async replyThread(
    agent: string,
    threadId: number,
    input: { body: string; payload?: unknown },
  ): Promise<ThreadChange> {
    return (await import("./inbox/reply_thread.ts")).replyThread(this, { agent, threadId }, input);
  }

  /** Artifact metadata and bytes; verifies size and sha256. */
  async getArtifact(artifactId: number): Promise<{ artifact: ArtifactMeta; content: Uint8Array }> {
    return (await import("./inbox/get_artifact.ts")).getArtifact(this, artifactId);
  }

  /** Finishes the holder's thread as done, with an optional result payload and artifacts. */
  async completeThread(input: FinishInput): Promise<ThreadChange> {
    return (await import("./inbox/complete_thread.ts")).completeThread(this, input);
  }

  /** Finishes the holder's thread as failed, with the reason. */
  async failThread(input: FinishInput): Promise<ThreadChange> {
    return (await import("./inbox/fail_thread.ts")).failThread(this, input);
  }
}
