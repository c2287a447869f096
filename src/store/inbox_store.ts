import type { Db, Row } from "../storage/db.ts";
import { AppError } from "../protocol/errors.ts";
import { appendEvent } from "./append_event.ts";
import { sha256Hex } from "./sha256.ts";
import { parseStoredJson, toStoredJson } from "./stored_json.ts";
import { requireText } from "./require_text.ts";
import { type Clock, iso, isoPlusSeconds, systemClock } from "./clock.ts";
import {
  type ArtifactInput,
  type ArtifactMeta,
  DEFAULT_LEASE_SECONDS,
  FINAL_STATUSES,
  LEASED_STATUSES,
  MAX_ARTIFACT_BYTES,
  MAX_BODY_BYTES,
  type Message,
  type MessageType,
  type Thread,
  type ThreadKind,
  type ThreadStatus,
  type UpdateStatus,
} from "./inbox_types.ts";

export interface SendInput {
  from: string;
  to: string;
  subject: string;
  body: string;
  kind?: ThreadKind;
  payload?: unknown;
  artifacts?: ArtifactInput[];
  idempotencyKey?: string;
  resultContract?: string;
  /** Create the thread already done: a record (a note, a report), not work to claim. */
  closed?: boolean;
  runId?: string;
  taskId?: string;
  attemptId?: number;
}

export interface SendResult {
  thread: Thread;
  message: Message;
  artifacts: ArtifactMeta[];
  /** True when an earlier send with the same idempotency key was returned. */
  replayed: boolean;
}

export interface LeaseRef {
  agent: string;
  threadId: number;
  /** When given, the write also requires this exact epoch (strict fencing). */
  leaseEpoch?: number;
}

export interface FinishInput extends LeaseRef {
  body?: string;
  payload?: unknown;
  artifacts?: ArtifactInput[];
}

export interface ThreadChange {
  thread: Thread;
  message: Message | null;
  artifacts?: ArtifactMeta[];
}

export { sha256Hex };

/** What a worker that lost its lease does (the inbox skill says the same). */
const _STOP = "stop working on it, and claim it again only if the leader tells you to";

/**
 * SQL over `m` (a message to an agent) and `t` (its thread): the message is
 * actionable for its addressee (see fetchMessages).
 */
const _ACTIONABLE = `(t.status NOT IN (${
  FINAL_STATUSES.map((s) => `'${s}'`).join(", ")
}) OR t.from_agent = m.to_agent)`;

function _toJsonText(value: unknown): string | null {
  return toStoredJson(value, "payload");
}

export function threadFromRow(r: Row): Thread {
  return {
    id: Number(r["id"]),
    kind: r["kind"] as ThreadKind,
    from_agent: String(r["from_agent"]),
    to_agent: String(r["to_agent"]),
    subject: String(r["subject"]),
    status: r["status"] as ThreadStatus,
    claimed_by: (r["claimed_by"] as string | null) ?? null,
    lease_expires_at: (r["lease_expires_at"] as string | null) ?? null,
    lease_epoch: Number(r["lease_epoch"]),
    progress: r["progress"] == null ? null : Number(r["progress"]),
    result_contract: (r["result_contract"] as string | null) ?? null,
    run_id: (r["run_id"] as string | null) ?? null,
    task_id: (r["task_id"] as string | null) ?? null,
    attempt_id: r["attempt_id"] == null ? null : Number(r["attempt_id"]),
    created_at: String(r["created_at"]),
    updated_at: String(r["updated_at"]),
  };
}

export function messageFromRow(r: Row): Message {
  const m: Message = {
    id: Number(r["id"]),
    thread_id: Number(r["thread_id"]),
    from_agent: String(r["from_agent"]),
    to_agent: String(r["to_agent"]),
    type: r["type"] as MessageType,
    body: String(r["body"] ?? ""),
    payload: parseStoredJson(r["payload"]),
    ts: String(r["ts"]),
  };
  if (r["thread_subject"] != null) m.thread_subject = String(r["thread_subject"]);
  if (r["thread_status"] != null) m.thread_status = r["thread_status"] as ThreadStatus;
  return m;
}

function _artifactFromRow(r: Row): ArtifactMeta {
  return {
    id: Number(r["id"]),
    thread_id: Number(r["thread_id"]),
    message_id: Number(r["message_id"]),
    name: String(r["name"]),
    media_type: String(r["media_type"]),
    size: Number(r["size"]),
    sha256: String(r["sha256"]),
    created_at: String(r["created_at"]),
  };
}

const _ARTIFACT_META_COLUMNS =
  "id, thread_id, message_id, name, media_type, size, sha256, created_at";

/**
 * The inbox: threads, messages, leases, read cursors and artifacts. Every
 * method that changes state runs in one write transaction together with the
 * events it appends, and returns the rows it changed. Methods nest: called
 * inside another store's transaction they join it.
 */
export class InboxStore {
  readonly db: Db;
  readonly clock: Clock;

  constructor(db: Db, clock: Clock = systemClock) {
    this.db = db;
    this.clock = clock;
  }

  // ---- reads -------------------------------------------------------------

  /** The thread, or `THREAD_NOT_FOUND`. */
  async getThread(threadId: number): Promise<Thread> {
    const row = await this.db.get("SELECT * FROM threads WHERE id = ?", threadId);
    if (!row) {
      throw new AppError("THREAD_NOT_FOUND", `Thread ${threadId} does not exist`, {
        thread_id: threadId,
      });
    }
    return threadFromRow(row);
  }

  /** A thread with its messages (each with artifact metadata). */
  async showThread(threadId: number): Promise<{ thread: Thread; messages: Message[] }> {
    return await this.db.read(async () => {
      const thread = await this.getThread(threadId);
      const messages = (await this.db.all(
        "SELECT * FROM messages WHERE thread_id = ? ORDER BY id",
        threadId,
      ))
        .map(messageFromRow);
      const arts = (await this.db.all(
        `SELECT ${_ARTIFACT_META_COLUMNS} FROM artifacts WHERE thread_id = ? ORDER BY id`,
        threadId,
      )).map(_artifactFromRow);
      for (const m of messages) {
        const mine = arts.filter((a) => a.message_id === m.id);
        if (mine.length > 0) m.artifacts = mine;
      }
      return { thread, messages };
    });
  }

  /** Threads, newest first, optionally where `agent` is a participant and/or with a status. */
  async listThreads(
    options: { agent?: string; status?: ThreadStatus; limit?: number } = {},
  ): Promise<Thread[]> {
    const limit = options.limit ?? 50;
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (options.agent !== undefined) {
      where.push("(to_agent = ? OR from_agent = ?)");
      params.push(options.agent, options.agent);
    }
    if (options.status !== undefined) {
      where.push("status = ?");
      params.push(options.status);
    }
    const sql = `SELECT * FROM threads ${
      where.length ? "WHERE " + where.join(" AND ") : ""
    } ORDER BY id DESC LIMIT ?`;
    return (await this.db.all(sql, ...params, limit)).map(threadFromRow);
  }

  /**
   * Unread messages addressed to `agent`, oldest first. Advances the
   * agent's read cursor past them unless `peek`.
   *
   * Unless `all`, only actionable messages are returned: those in threads
   * that are still live, and, in finished threads, those to the agent who
   * started the thread (its outcome is news to the requester). Messages to
   * the asked agent in a finished thread are not work: they are passed over
   * (the cursor moves past them) and counted in `hidden`.
   */
  async fetchMessages(
    agent: string,
    options: { limit?: number; peek?: boolean; all?: boolean } = {},
  ): Promise<{ messages: Message[]; cursor: number; previous_cursor: number; hidden: number }> {
    const limit = options.limit ?? 50;
    const run = async () => {
      const before = Number(
        (await this.db.get("SELECT last_message_id FROM read_cursors WHERE agent = ?", agent))
          ?.["last_message_id"] ?? 0,
      );
      const messages = await this.messagesFor(agent, before, limit, {
        actionableOnly: !options.all,
      });
      let after = messages.length ? messages[messages.length - 1]!.id : before;
      let hidden = 0;
      if (!options.all) {
        if (messages.length < limit) {
          after = Number(
            (await this.db.get(
              "SELECT COALESCE(MAX(id), ?) AS m FROM messages WHERE to_agent = ? AND id > ?",
              before,
              agent,
              before,
            ))?.["m"] ?? before,
          );
        }
        hidden = Number(
          (await this.db.get(
            `SELECT count(*) AS n FROM messages m JOIN threads t ON t.id = m.thread_id
             WHERE m.to_agent = ? AND m.id > ? AND m.id <= ? AND NOT ${_ACTIONABLE}`,
            agent,
            before,
            after,
          ))?.["n"] ?? 0,
        );
      }
      if (!options.peek && after > before) {
        await this.db.run(
          `INSERT INTO read_cursors (agent, last_message_id) VALUES (?, ?)
           ON CONFLICT (agent) DO UPDATE SET last_message_id = excluded.last_message_id`,
          agent,
          after,
        );
      }
      return { messages, cursor: options.peek ? before : after, previous_cursor: before, hidden };
    };
    return options.peek ? await this.db.read(run) : await this.db.write(run);
  }

  /**
   * Messages addressed to `agent` after message id `after`, oldest first,
   * with their thread's subject and status and their artifacts (no cursor change).
   */
  async messagesFor(
    agent: string,
    after: number,
    limit: number,
    options: { actionableOnly?: boolean } = {},
  ): Promise<Message[]> {
    const messages = (await this.db.all(
      `SELECT m.*, t.subject AS thread_subject, t.status AS thread_status
       FROM messages m JOIN threads t ON t.id = m.thread_id
       WHERE m.to_agent = ? AND m.id > ? ${
        options.actionableOnly ? `AND ${_ACTIONABLE}` : ""
      } ORDER BY m.id LIMIT ?`,
      agent,
      after,
      limit,
    )).map(messageFromRow);
    if (messages.length === 0) return messages;
    const arts = (await this.db.all(
      `SELECT ${_ARTIFACT_META_COLUMNS} FROM artifacts WHERE message_id BETWEEN ? AND ? ORDER BY id`,
      messages[0]!.id,
      messages[messages.length - 1]!.id,
    )).map(_artifactFromRow);
    for (const m of messages) {
      const mine = arts.filter((a) => a.message_id === m.id);
      if (mine.length > 0) m.artifacts = mine;
    }
    return messages;
  }

  /** The highest message id, 0 when there are none. */
  async latestMessageId(): Promise<number> {
    return Number(
      (await this.db.get("SELECT COALESCE(MAX(id), 0) AS m FROM messages"))?.["m"] ?? 0,
    );
  }

  /** The latest message in `threadId` sent by `agent`, 0 if none. */
  async lastMessageIdFrom(threadId: number, agent: string): Promise<number> {
    return Number(
      (await this.db.get(
        "SELECT COALESCE(MAX(id), 0) AS m FROM messages WHERE thread_id = ? AND from_agent = ?",
        threadId,
        agent,
      ))?.["m"] ?? 0,
    );
  }

  /**
   * The first reply (or cancel) in the thread after message `after` that
   * `agent` did not send, or undefined.
   */
  async findReply(threadId: number, agent: string, after: number): Promise<Message | undefined> {
    const row = await this.db.get(
      `SELECT * FROM messages WHERE thread_id = ? AND id > ? AND from_agent <> ?
       AND type IN ('reply', 'cancel') ORDER BY id LIMIT 1`,
      threadId,
      after,
      agent,
    );
    return row ? messageFromRow(row) : undefined;
  }

  /** Artifact metadata and bytes; verifies size and sha256. */
  async getArtifact(artifactId: number): Promise<{ artifact: ArtifactMeta; content: Uint8Array }> {
    const row = await this.db.get("SELECT * FROM artifacts WHERE id = ?", artifactId);
    if (!row) {
      throw new AppError("ARTIFACT_NOT_FOUND", `Artifact ${artifactId} does not exist`, {
        artifact_id: artifactId,
      });
    }
    const artifact = _artifactFromRow(row);
    const content = row["content"] as Uint8Array;
    if (content.byteLength !== artifact.size || sha256Hex(content) !== artifact.sha256) {
      throw new AppError(
        "ARTIFACT_CORRUPT",
        `Artifact ${artifactId} does not match its recorded size and sha256`,
        { artifact_id: artifactId },
      );
    }
    return { artifact, content };
  }

  // ---- writes ------------------------------------------------------------

  /** Creates a thread and its first message (type `task` or `note`). */
  async sendThread(input: SendInput): Promise<SendResult> {
    _checkArtifacts(input.artifacts);
    requireText(input.subject, "subject");
    return await this.db.write(async () => {
      if (input.idempotencyKey !== undefined) {
        const prior = await this.db.get(
          "SELECT * FROM threads WHERE idempotency_key = ?",
          input.idempotencyKey,
        );
        if (prior) return this.#replay(threadFromRow(prior), input);
      }
      const now = iso(this.clock.now());
      const kind = input.kind ?? "task";
      const threadId = Number(
        (await this.db.get<{ id: number }>(
          `INSERT INTO threads (kind, from_agent, to_agent, subject, status, idempotency_key,
           result_contract, run_id, task_id, attempt_id, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
          kind,
          input.from,
          input.to,
          input.subject,
          input.closed ? "done" : "open",
          input.idempotencyKey ?? null,
          input.resultContract ?? null,
          input.runId ?? null,
          input.taskId ?? null,
          input.attemptId ?? null,
          now,
          now,
        ))!.id,
      );
      const thread = await this.getThread(threadId);
      const message = await this.#addMessage(
        thread,
        input.from,
        kind === "note" ? "note" : "task",
        {
          body: input.body,
          payload: input.payload,
          ts: now,
        },
      );
      await this.#event(thread, now, "thread_created", {
        from: input.from,
        to: input.to,
        subject: input.subject,
        kind,
        message_id: message.id,
      });
      // After thread_created, so an event reader never sees an artifact of an unknown thread.
      const artifacts = await this.#addArtifacts(thread, message, input.artifacts, now);
      return { thread, message, artifacts, replayed: false };
    });
  }

  async #replay(thread: Thread, input: SendInput): Promise<SendResult> {
    if (
      thread.from_agent !== input.from || thread.to_agent !== input.to ||
      thread.subject !== input.subject
    ) {
      throw new AppError(
        "IDEMPOTENCY_CONFLICT",
        `Idempotency key "${input.idempotencyKey}" was already used for thread ${thread.id} with different sender, recipient or subject`,
        { thread_id: thread.id, idempotency_key: input.idempotencyKey },
      );
    }
    const first = await this.db.get(
      "SELECT * FROM messages WHERE thread_id = ? ORDER BY id LIMIT 1",
      thread.id,
    );
    const artifacts = first
      ? (await this.db.all(
        `SELECT ${_ARTIFACT_META_COLUMNS} FROM artifacts WHERE message_id = ? ORDER BY id`,
        Number(first["id"]),
      )).map(_artifactFromRow)
      : [];
    const message = messageFromRow(first!);
    if (artifacts.length > 0) message.artifacts = artifacts;
    return { thread, message, artifacts, replayed: true };
  }

  /**
   * Claims `threadId`, or the oldest claimable thread addressed to `agent`.
   * Claimable: open, or leased with an expired lease. Every claim by a new
   * holder increments `lease_epoch`; the same agent claiming a thread it
   * still holds gets its lease extended, same epoch. Only the addressee may
   * claim an open thread; an expired lease may be taken over by any agent
   * naming the thread, and a live one held by another is `ALREADY_CLAIMED`.
   */
  async claimThread(
    agent: string,
    options: { threadId?: number; leaseSeconds?: number } = {},
  ): Promise<{ thread: Thread; previous_holder: string | null; reclaimed: boolean }> {
    const leaseSeconds = options.leaseSeconds ?? DEFAULT_LEASE_SECONDS;
    return await this.db.write(async () => {
      const nowDate = this.clock.now();
      const now = iso(nowDate);
      let thread: Thread;
      if (options.threadId !== undefined) {
        thread = await this.getThread(options.threadId);
        // An open thread belongs to its addressee. Once claimed, the lease decides:
        // a live lease held by another agent is ALREADY_CLAIMED below, an expired
        // one may be taken over by any agent that names the thread.
        if (thread.to_agent !== agent && !LEASED_STATUSES.includes(thread.status)) {
          throw new AppError(
            "NOT_PARTICIPANT",
            `Thread ${thread.id} is addressed to "${thread.to_agent}", not "${agent}"`,
            { thread_id: thread.id, to_agent: thread.to_agent, agent },
          );
        }
        _requireNotFinal(thread);
        const live = thread.lease_expires_at !== null && thread.lease_expires_at > now;
        if (LEASED_STATUSES.includes(thread.status) && live) {
          if (thread.claimed_by !== agent) {
            throw new AppError(
              "ALREADY_CLAIMED",
              `Thread ${thread.id} is claimed by "${thread.claimed_by}" until ${thread.lease_expires_at}`,
              {
                thread_id: thread.id,
                claimed_by: thread.claimed_by,
                lease_expires_at: thread.lease_expires_at,
              },
            );
          }
          const expires = isoPlusSeconds(nowDate, leaseSeconds);
          await this.db.run(
            "UPDATE threads SET lease_expires_at = ?, lease_seconds = ?, updated_at = ? WHERE id = ?",
            expires,
            leaseSeconds,
            now,
            thread.id,
          );
          const renewed = await this.getThread(thread.id);
          await this.#event(renewed, now, "lease_renewed", {
            agent,
            lease_epoch: renewed.lease_epoch,
            lease_expires_at: expires,
          });
          return { thread: renewed, previous_holder: agent, reclaimed: true };
        }
      } else {
        const row = await this.db.get(
          `SELECT * FROM threads WHERE to_agent = ? AND (status = 'open' OR
             (status IN ('claimed', 'in_progress', 'blocked', 'verifying') AND lease_expires_at <= ?))
           ORDER BY id LIMIT 1`,
          agent,
          now,
        );
        if (!row) {
          throw new AppError(
            "NO_CLAIMABLE_THREAD",
            `No claimable thread is addressed to "${agent}"`,
            {
              agent,
            },
          );
        }
        thread = threadFromRow(row);
      }
      const previous = thread.claimed_by;
      const expires = isoPlusSeconds(nowDate, leaseSeconds);
      const changed = (await this.db.run(
        // A blocked thread stays blocked under its new holder: the question is
        // still open until someone replies (the leader's `orch blocked` keeps it).
        `UPDATE threads SET status = CASE WHEN status = 'blocked' THEN 'blocked' ELSE 'claimed' END,
           claimed_by = ?, lease_epoch = lease_epoch + 1,
           lease_expires_at = ?, lease_seconds = ?, updated_at = ?
         WHERE id = ? AND lease_epoch = ?`,
        agent,
        expires,
        leaseSeconds,
        now,
        thread.id,
        thread.lease_epoch,
      )).changes;
      if (changed !== 1) {
        throw new AppError("ALREADY_CLAIMED", `Thread ${thread.id} was just claimed`);
      }
      const claimed = await this.getThread(thread.id);
      await this.#event(claimed, now, "thread_claimed", {
        agent,
        lease_epoch: claimed.lease_epoch,
        lease_expires_at: expires,
        previous_holder: previous,
        previous_status: thread.status,
        status: claimed.status,
      });
      return { thread: claimed, previous_holder: previous, reclaimed: false };
    });
  }

  /** Extends the caller's live lease. */
  async renewLease(ref: LeaseRef, leaseSeconds?: number): Promise<{ thread: Thread }> {
    return await this.db.write(async () => {
      const nowDate = this.clock.now();
      const now = iso(nowDate);
      const thread = await this.#requireLease(ref, now);
      const seconds = leaseSeconds ?? thread.lease_seconds ?? DEFAULT_LEASE_SECONDS;
      const expires = isoPlusSeconds(nowDate, seconds);
      await this.#fencedUpdate(
        ref,
        thread,
        now,
        "lease_expires_at = ?, lease_seconds = ?, updated_at = ?",
        expires,
        seconds,
        now,
      );
      const renewed = await this.getThread(thread.id);
      await this.#event(renewed, now, "lease_renewed", {
        agent: ref.agent,
        lease_epoch: renewed.lease_epoch,
        lease_expires_at: expires,
      });
      return { thread: renewed };
    });
  }

  /**
   * Progress, a blocked question, or verifying, from the lease holder.
   * Extends the lease. `blocked` records the body as a `question`.
   */
  async updateThread(
    ref: LeaseRef,
    input: { body?: string; progress?: number; status?: UpdateStatus; payload?: unknown },
  ): Promise<ThreadChange> {
    if (input.body === undefined && input.progress === undefined && input.status === undefined) {
      throw new AppError(
        "USAGE",
        "Nothing to update: pass --body, --body-file, --progress or --status",
      );
    }
    if (input.status === "blocked" && !input.body) {
      throw new AppError(
        "USAGE",
        "A blocked update needs the question: pass --body or --body-file",
      );
    }
    return await this.db.write(async () => {
      const nowDate = this.clock.now();
      const now = iso(nowDate);
      const thread = await this.#requireLease(ref, now);
      const status: ThreadStatus = input.status ??
        (thread.status === "claimed" ? "in_progress" : thread.status);
      const expires = isoPlusSeconds(nowDate, thread.lease_seconds ?? DEFAULT_LEASE_SECONDS);
      await this.#fencedUpdate(
        ref,
        thread,
        now,
        "status = ?, progress = COALESCE(?, progress), lease_expires_at = ?, updated_at = ?",
        status,
        input.progress ?? null,
        expires,
        now,
      );
      const updated = await this.getThread(thread.id);
      let message: Message | null = null;
      if (input.body !== undefined || input.payload !== undefined) {
        message = await this.#addMessage(
          updated,
          ref.agent,
          status === "blocked" ? "question" : "progress",
          {
            body: input.body ?? "",
            payload: input.payload,
            ts: now,
            leaseEpoch: updated.lease_epoch,
          },
        );
      }
      const type = status === thread.status ? "thread_progress" : `thread_${status}`;
      await this.#event(updated, now, type, {
        agent: ref.agent,
        status,
        previous_status: thread.status,
        progress: updated.progress,
        message_id: message?.id ?? null,
        ...(status === "blocked" ? { question: input.body ?? "" } : {}),
      });
      return { thread: updated, message };
    });
  }

  /**
   * A message from a participant (the sender, the recipient or the holder)
   * into an open thread. A reply to a blocked thread unblocks it.
   */
  async replyThread(
    agent: string,
    threadId: number,
    input: { body: string; payload?: unknown },
  ): Promise<ThreadChange> {
    return await this.db.write(async () => {
      const now = iso(this.clock.now());
      const thread = await this.getThread(threadId);
      _requireParticipant(thread, agent);
      _requireNotFinal(thread);
      const message = await this.#addMessage(thread, agent, "reply", {
        body: input.body,
        payload: input.payload,
        ts: now,
      });
      let current = thread;
      if (thread.status === "blocked" && agent !== thread.claimed_by) {
        await this.db.run(
          "UPDATE threads SET status = 'in_progress', updated_at = ? WHERE id = ?",
          now,
          threadId,
        );
        current = await this.getThread(threadId);
      } else {
        await this.db.run("UPDATE threads SET updated_at = ? WHERE id = ?", now, threadId);
      }
      await this.#event(current, now, "thread_replied", {
        agent,
        message_id: message.id,
        previous_status: thread.status,
        status: current.status,
      });
      return { thread: current, message };
    });
  }

  /** Finishes the holder's thread as done, with an optional result payload and artifacts. */
  async completeThread(input: FinishInput): Promise<ThreadChange> {
    return await this.#finish(input, "done", "result");
  }

  /** Finishes the holder's thread as failed, with the reason. */
  async failThread(input: FinishInput): Promise<ThreadChange> {
    return await this.#finish(input, "failed", "failure");
  }

  async #finish(
    input: FinishInput,
    status: "done" | "failed",
    type: MessageType,
  ): Promise<ThreadChange> {
    _checkArtifacts(input.artifacts);
    return await this.db.write(async () => {
      const now = iso(this.clock.now());
      const thread = await this.#requireLease(input, now);
      await this.#fencedUpdate(
        input,
        thread,
        now,
        `status = ?, lease_expires_at = NULL, updated_at = ?${
          status === "done" ? ", progress = 100" : ""
        }`,
        status,
        now,
      );
      const updated = await this.getThread(thread.id);
      const message = await this.#addMessage(updated, input.agent, type, {
        body: input.body ?? "",
        payload: input.payload,
        ts: now,
        leaseEpoch: updated.lease_epoch,
      });
      const artifacts = await this.#addArtifacts(updated, message, input.artifacts, now);
      await this.#event(updated, now, `thread_${status}`, {
        agent: input.agent,
        message_id: message.id,
        previous_status: thread.status,
        artifact_ids: artifacts.map((a) => a.id),
      });
      return { thread: updated, message, artifacts };
    });
  }

  /** Cancels a thread that is not final; any participant may. Clears the lease. */
  async cancelThread(agent: string, threadId: number, body?: string): Promise<ThreadChange> {
    return await this.db.write(async () => {
      const now = iso(this.clock.now());
      const thread = await this.getThread(threadId);
      _requireParticipant(thread, agent);
      _requireNotFinal(thread);
      await this.db.run(
        "UPDATE threads SET status = 'cancelled', lease_expires_at = NULL, updated_at = ? WHERE id = ?",
        now,
        threadId,
      );
      const updated = await this.getThread(threadId);
      const message = await this.#addMessage(updated, agent, "cancel", {
        body: body ?? "",
        ts: now,
      });
      await this.#event(updated, now, "thread_cancelled", {
        agent,
        message_id: message.id,
        previous_status: thread.status,
      });
      return { thread: updated, message };
    });
  }

  /** The thread, if `agent` is its sender, recipient or holder; otherwise `NOT_PARTICIPANT`. */
  async participantThread(threadId: number, agent: string): Promise<Thread> {
    const thread = await this.getThread(threadId);
    _requireParticipant(thread, agent);
    return thread;
  }

  /**
   * Throws what a lease-holder write (update, done, fail) would throw now for
   * `ref`, without writing anything: callers check a payload only once the
   * caller is known to hold the thread.
   */
  async checkLease(ref: LeaseRef): Promise<Thread> {
    return await this.db.read(() => this.#requireLease(ref, iso(this.clock.now())));
  }

  // ---- helpers -----------------------------------------------------------

  /** The thread, if `ref.agent` holds a live lease on it; otherwise the reason as an error. */
  async #requireLease(
    ref: LeaseRef,
    now: string,
  ): Promise<Thread & { lease_seconds: number | null }> {
    const row = await this.db.get("SELECT * FROM threads WHERE id = ?", ref.threadId);
    if (!row) {
      throw new AppError("THREAD_NOT_FOUND", `Thread ${ref.threadId} does not exist`, {
        thread_id: ref.threadId,
      });
    }
    const thread = threadFromRow(row);
    const leaseSeconds = row["lease_seconds"] == null ? null : Number(row["lease_seconds"]);
    if (thread.status === "cancelled") {
      throw new AppError("CANCELLED", `Thread ${thread.id} was cancelled`, {
        thread_id: thread.id,
      });
    }
    _requireNotFinal(thread);
    if (thread.status === "open") {
      if (thread.to_agent !== ref.agent) _requireParticipant(thread, ref.agent);
      throw new AppError(
        "INVALID_STATE",
        `Thread ${thread.id} is not claimed: claim it first with "inbox claim --thread ${thread.id}"`,
        { thread_id: thread.id, status: thread.status },
      );
    }
    const details = {
      thread_id: thread.id,
      agent: ref.agent,
      claimed_by: thread.claimed_by,
      lease_epoch: thread.lease_epoch,
      lease_expires_at: thread.lease_expires_at,
    };
    if (ref.leaseEpoch !== undefined && ref.leaseEpoch > thread.lease_epoch) {
      // No claim ever had this epoch: a wrong value, not a lost lease.
      throw new AppError(
        "INVALID_INPUT",
        `Lease epoch ${ref.leaseEpoch} of thread ${thread.id} was never issued: the thread's latest epoch is ${thread.lease_epoch}; pass the epoch your claim returned`,
        details,
      );
    }
    if (thread.claimed_by !== ref.agent) {
      throw new AppError(
        "LEASE_LOST",
        `Agent "${ref.agent}" does not hold thread ${thread.id}: it is claimed by "${thread.claimed_by}"; ${_STOP}`,
        details,
      );
    }
    if (ref.leaseEpoch !== undefined && ref.leaseEpoch !== thread.lease_epoch) {
      throw new AppError(
        "LEASE_LOST",
        `Lease epoch ${ref.leaseEpoch} of thread ${thread.id} is stale: the thread was claimed again since (epoch ${thread.lease_epoch}); ${_STOP}`,
        details,
      );
    }
    if (thread.lease_expires_at === null || thread.lease_expires_at <= now) {
      throw new AppError(
        "LEASE_LOST",
        `The lease of "${ref.agent}" on thread ${thread.id} expired at ${thread.lease_expires_at}; ${_STOP}`,
        details,
      );
    }
    return { ...thread, lease_seconds: leaseSeconds };
  }

  /**
   * The fenced write: only the holder at the epoch it read, with a live lease,
   * changes the row. Zero rows changed is `LEASE_LOST`, never silent.
   */
  async #fencedUpdate(
    ref: LeaseRef,
    thread: Thread,
    now: string,
    setSql: string,
    ...params: (string | number | null)[]
  ): Promise<void> {
    const changed = (await this.db.run(
      `UPDATE threads SET ${setSql} WHERE id = ? AND claimed_by = ? AND lease_epoch = ? AND lease_expires_at > ?`,
      ...params,
      thread.id,
      ref.agent,
      thread.lease_epoch,
      now,
    )).changes;
    if (changed !== 1) {
      throw new AppError(
        "LEASE_LOST",
        `Agent "${ref.agent}" lost the lease on thread ${thread.id}; ${_STOP}`,
        {
          thread_id: thread.id,
          agent: ref.agent,
        },
      );
    }
  }

  async #addMessage(
    thread: Thread,
    from: string,
    type: MessageType,
    m: { body: string; payload?: unknown; ts: string; leaseEpoch?: number },
  ): Promise<Message> {
    requireText(m.body, "message body");
    _checkBodySize(m.body);
    // The sender writes to whoever works the thread (the holder, else the
    // addressee); everyone else writes to the sender.
    const to = from === thread.from_agent
      ? (thread.claimed_by ?? thread.to_agent)
      : thread.from_agent;
    const id = Number(
      (await this.db.get<{ id: number }>(
        `INSERT INTO messages (thread_id, from_agent, to_agent, type, body, payload, lease_epoch, ts)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
        thread.id,
        from,
        to,
        type,
        m.body,
        _toJsonText(m.payload),
        m.leaseEpoch ?? null,
        m.ts,
      ))!.id,
    );
    return {
      id,
      thread_id: thread.id,
      from_agent: from,
      to_agent: to,
      type,
      body: m.body,
      payload: m.payload ?? null,
      ts: m.ts,
    };
  }

  async #addArtifacts(
    thread: Thread,
    message: Message,
    artifacts: ArtifactInput[] | undefined,
    now: string,
  ): Promise<ArtifactMeta[]> {
    const out: ArtifactMeta[] = [];
    for (const a of artifacts ?? []) {
      const sha256 = sha256Hex(a.bytes);
      const id = Number(
        (await this.db.get<{ id: number }>(
          `INSERT INTO artifacts (thread_id, message_id, name, media_type, size, sha256, content, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
          thread.id,
          message.id,
          a.name,
          a.mediaType,
          a.bytes.byteLength,
          sha256,
          a.bytes,
          now,
        ))!.id,
      );
      const meta: ArtifactMeta = {
        id,
        thread_id: thread.id,
        message_id: message.id,
        name: a.name,
        media_type: a.mediaType,
        size: a.bytes.byteLength,
        sha256,
        created_at: now,
      };
      out.push(meta);
      await this.#event(thread, now, "artifact_added", {
        artifact_id: id,
        name: a.name,
        size: meta.size,
        sha256,
      });
    }
    if (out.length > 0) message.artifacts = out;
    return out;
  }

  async #event(
    thread: Thread,
    ts: string,
    type: string,
    payload: Record<string, unknown>,
  ): Promise<void> {
    await appendEvent(this.db, {
      ts,
      type,
      runId: thread.run_id,
      taskId: thread.task_id,
      threadId: thread.id,
      payload,
    });
  }
}

function _requireParticipant(thread: Thread, agent: string): void {
  if (agent !== thread.from_agent && agent !== thread.to_agent && agent !== thread.claimed_by) {
    throw new AppError(
      "NOT_PARTICIPANT",
      `Agent "${agent}" is not a participant of thread ${thread.id}`,
      { thread_id: thread.id, agent, from_agent: thread.from_agent, to_agent: thread.to_agent },
    );
  }
}

function _requireNotFinal(thread: Thread): void {
  if (thread.status === "cancelled") {
    throw new AppError("CANCELLED", `Thread ${thread.id} was cancelled`, {
      thread_id: thread.id,
      status: thread.status,
    });
  }
  if (FINAL_STATUSES.includes(thread.status)) {
    throw new AppError("THREAD_CLOSED", `Thread ${thread.id} is already ${thread.status}`, {
      thread_id: thread.id,
      status: thread.status,
    });
  }
}

function _checkBodySize(body: string): void {
  // A UTF-16 unit is at most 3 UTF-8 bytes: count bytes only when it could matter.
  if (body.length * 3 <= MAX_BODY_BYTES) return;
  const size = new TextEncoder().encode(body).byteLength;
  if (size > MAX_BODY_BYTES) {
    throw new AppError(
      "TOO_LARGE",
      `The message body is ${size} bytes: the limit is ${MAX_BODY_BYTES}`,
      { size, limit: MAX_BODY_BYTES },
    );
  }
}

function _checkArtifacts(artifacts: ArtifactInput[] | undefined): void {
  for (const a of artifacts ?? []) {
    if (a.bytes.byteLength > MAX_ARTIFACT_BYTES) {
      throw new AppError(
        "TOO_LARGE",
        `Artifact "${a.name}" is ${a.bytes.byteLength} bytes: the limit is ${MAX_ARTIFACT_BYTES}`,
        { name: a.name, size: a.bytes.byteLength, limit: MAX_ARTIFACT_BYTES },
      );
    }
  }
}
