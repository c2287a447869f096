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
import { cancelThread } from "./inbox/cancel_thread.ts";
import { checkLease } from "./inbox/check_lease.ts";
import { type ClaimResult, claimThread } from "./inbox/claim_thread.ts";
import { completeThread } from "./inbox/complete_thread.ts";
import { failThread } from "./inbox/fail_thread.ts";
import { fetchMessages, type FetchResult } from "./inbox/fetch_messages.ts";
import { findReply } from "./inbox/find_reply.ts";
import { getArtifact } from "./inbox/get_artifact.ts";
import { getThread } from "./inbox/get_thread.ts";
import { lastMessageIdFrom } from "./inbox/last_message_id_from.ts";
import { latestMessageId } from "./inbox/latest_message_id.ts";
import { listThreads } from "./inbox/list_threads.ts";
import { messagesFor } from "./inbox/messages_for.ts";
import { participantThread } from "./inbox/participant_thread.ts";
import { renewLease } from "./inbox/renew_lease.ts";
import { replyThread } from "./inbox/reply_thread.ts";
import { sendThread } from "./inbox/send_thread.ts";
import { showThread } from "./inbox/show_thread.ts";
import { type UpdateInput, updateThread } from "./inbox/update_thread.ts";

export type { InboxContext } from "./inbox/context.ts";
export type {
  FinishInput,
  LeaseRef,
  SendInput,
  SendResult,
  ThreadChange,
} from "./inbox/inbox_io.ts";
export { messageFromRow } from "./inbox/message_row.ts";
export { threadFromRow } from "./inbox/thread_row.ts";
export { sha256Hex } from "./sha256.ts";

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

  // ---- threads -----------------------------------------------------------

  /** The thread, or `THREAD_NOT_FOUND`. */
  getThread(threadId: number): Promise<Thread> {
    return getThread(this, threadId);
  }

  /** A thread with its messages (each with artifact metadata). */
  showThread(threadId: number): Promise<{ thread: Thread; messages: Message[] }> {
    return showThread(this, threadId);
  }

  /** Threads, newest first, optionally where `agent` is a participant and/or with a status. */
  listThreads(
    options: { agent?: string; status?: ThreadStatus; limit?: number } = {},
  ): Promise<Thread[]> {
    return listThreads(this, options);
  }

  /** Creates a thread and its first message (type `task` or `note`). */
  sendThread(input: SendInput): Promise<SendResult> {
    return sendThread(this, input);
  }

  /** Cancels a thread that is not final; any participant may. Clears the lease. */
  cancelThread(agent: string, threadId: number, body?: string): Promise<ThreadChange> {
    return cancelThread(this, { agent, threadId }, body);
  }

  /** The thread, if `agent` is its sender, recipient or holder; otherwise `NOT_PARTICIPANT`. */
  participantThread(threadId: number, agent: string): Promise<Thread> {
    return participantThread(this, threadId, agent);
  }

  // ---- leases ------------------------------------------------------------

  /** Claims `threadId`, or the oldest claimable thread addressed to `agent` (see claimThread). */
  claimThread(
    agent: string,
    options: { threadId?: number; leaseSeconds?: number } = {},
  ): Promise<ClaimResult> {
    return claimThread(this, agent, options);
  }

  /** Extends the caller's live lease. */
  renewLease(ref: LeaseRef, leaseSeconds?: number): Promise<{ thread: Thread }> {
    return renewLease(this, ref, leaseSeconds);
  }

  /** Throws what a lease-holder write would throw now for `ref`, writing nothing. */
  checkLease(ref: LeaseRef): Promise<Thread> {
    return checkLease(this, ref);
  }

  // ---- messages ----------------------------------------------------------

  /** Unread messages addressed to `agent`, oldest first (see fetchMessages). */
  fetchMessages(
    agent: string,
    options: { limit?: number; peek?: boolean; all?: boolean } = {},
  ): Promise<FetchResult> {
    return fetchMessages(this, agent, options);
  }

  /** Messages addressed to `agent` after message id `after`, oldest first (no cursor change). */
  messagesFor(
    agent: string,
    after: number,
    limit: number,
    options: { actionableOnly?: boolean } = {},
  ): Promise<Message[]> {
    return messagesFor(this, { agent, after, limit, ...options });
  }

  /** The highest message id, 0 when there are none. */
  latestMessageId(): Promise<number> {
    return latestMessageId(this);
  }

  /** The latest message in `threadId` sent by `agent`, 0 if none. */
  lastMessageIdFrom(threadId: number, agent: string): Promise<number> {
    return lastMessageIdFrom(this, threadId, agent);
  }

  /** The first reply (or cancel) in the thread after `after` that `agent` did not send. */
  findReply(threadId: number, agent: string, after: number): Promise<Message | undefined> {
    return findReply(this, { threadId, agent, after });
  }

  /** Progress, a blocked question, or verifying, from the lease holder. */
  updateThread(ref: LeaseRef, input: UpdateInput): Promise<ThreadChange> {
    return updateThread(this, ref, input);
  }

  /** A message from a participant into an open thread; unblocks a blocked one. */
  replyThread(
    agent: string,
    threadId: number,
    input: { body: string; payload?: unknown },
  ): Promise<ThreadChange> {
    return replyThread(this, { agent, threadId }, input);
  }

  // ---- artifacts ---------------------------------------------------------

  /** Artifact metadata and bytes; verifies size and sha256. */
  getArtifact(artifactId: number): Promise<{ artifact: ArtifactMeta; content: Uint8Array }> {
    return getArtifact(this, artifactId);
  }

  // ---- finish ------------------------------------------------------------

  /** Finishes the holder's thread as done, with an optional result payload and artifacts. */
  completeThread(input: FinishInput): Promise<ThreadChange> {
    return completeThread(this, input);
  }

  /** Finishes the holder's thread as failed, with the reason. */
  failThread(input: FinishInput): Promise<ThreadChange> {
    return failThread(this, input);
  }
}
