import { COUNCIL_CONTRACT } from "../../protocol/contracts.ts";
import { AppError } from "../../protocol/errors.ts";
import { InboxStore } from "../../store/inbox_store.ts";
import {
  LEASED_STATUSES,
  type Message,
  type Thread,
  type ThreadKind,
  type ThreadStatus,
  type UpdateStatus,
} from "../../store/inbox_types.ts";
import type { Access } from "../../store/access/authorize.ts";
import type { CliContext } from "../context.ts";
import { messageBlock, table, threadLine } from "../render.ts";
import { respond } from "../respond.ts";

/** The input readers, loaded by the commands that take a body, a payload or artifacts. */
const _input = () => import("../input.ts");

/** The token check (loaded on first use: `show` and `list` never need it). */
async function checkAccess(ctx: CliContext, access: Access): Promise<number | undefined> {
  return (await import("../access.ts")).checkAccess(ctx, access);
}

/** The inbox store; with `access`, after checking the caller's token allows it (strict mode). */
async function _store(ctx: CliContext, access?: Access): Promise<InboxStore> {
  if (access) await checkAccess(ctx, access);
  return new InboxStore(await ctx.openDb(), ctx.clock);
}

function _onThread(flags: { agent: string; thread: number }): Access {
  return { kind: "thread", threadId: flags.thread, agent: flags.agent };
}

interface BodyFlags {
  body?: string;
  bodyFile?: string;
}

export function send(
  this: CliContext,
  flags: BodyFlags & {
    from: string;
    to: string;
    subject: string;
    kind?: ThreadKind;
    payloadJson?: string;
    payloadFile?: string;
    artifact?: readonly string[];
    idempotencyKey?: string;
  },
): Promise<void> {
  return respond(this, async () => {
    const body = await (await _input()).readBody(this, flags, { required: true });
    const payload = await (await _input()).readPayload(this, flags);
    const artifacts = await (await _input()).readArtifacts(this, flags.artifact);
    const r = await (await _store(this, { kind: "agent", agent: flags.from })).sendThread({
      from: flags.from,
      to: flags.to,
      subject: flags.subject,
      body: body!,
      ...(flags.kind ? { kind: flags.kind } : {}),
      ...(payload ? { payload } : {}),
      artifacts,
      ...(flags.idempotencyKey !== undefined ? { idempotencyKey: flags.idempotencyKey } : {}),
    });
    return {
      json: { thread: r.thread, message: r.message, artifacts: r.artifacts, replayed: r.replayed },
      text: `${r.replayed ? "Already sent (same idempotency key): " : "Sent "}${
        threadLine(r.thread)
      }`,
    };
  });
}

export function fetch(
  this: CliContext,
  flags: { agent: string; limit?: number; peek?: boolean; all?: boolean },
): Promise<void> {
  return respond(this, async () => {
    const store = flags.peek
      ? await _store(this)
      : await _store(this, { kind: "agent", agent: flags.agent });
    const r = await store.fetchMessages(flags.agent, {
      ...(flags.limit !== undefined ? { limit: flags.limit } : {}),
      peek: flags.peek ?? false,
      all: flags.all ?? false,
    });
    const hidden = r.hidden
      ? `\n(${r.hidden} message(s) in threads already finished not shown: --all shows them)`
      : "";
    return {
      json: {
        agent: flags.agent,
        messages: r.messages,
        cursor: r.cursor,
        peek: flags.peek ?? false,
        all: flags.all ?? false,
        hidden: r.hidden,
      },
      text: (r.messages.length
        ? r.messages.map(messageBlock).join("\n")
        : `No unread messages for ${flags.agent}`) + hidden,
    };
  });
}

export function claim(
  this: CliContext,
  flags: { agent: string; thread?: number; leaseSeconds?: number },
): Promise<void> {
  return respond(this, async () => {
    // A worker's token names its thread: a claim without --thread takes that one.
    const thread = flags.thread ??
      await checkAccess(this, { kind: "agent", agent: flags.agent });
    if (thread !== undefined) {
      await checkAccess(this, { kind: "thread", threadId: thread, agent: flags.agent });
    }
    const r = await (await _store(this)).claimThread(flags.agent, {
      ...(thread !== undefined ? { threadId: thread } : {}),
      ...(flags.leaseSeconds !== undefined ? { leaseSeconds: flags.leaseSeconds } : {}),
    });
    return {
      json: { thread: r.thread, previous_holder: r.previous_holder, reclaimed: r.reclaimed },
      text: `Claimed ${threadLine(r.thread)}`,
    };
  });
}

export function renew(
  this: CliContext,
  flags: { agent: string; thread: number; leaseSeconds?: number; leaseEpoch?: number },
): Promise<void> {
  return respond(this, async () => {
    const r = await (await _store(this, _onThread(flags))).renewLease(
      _ref(flags),
      flags.leaseSeconds,
    );
    return { json: { thread: r.thread }, text: `Renewed ${threadLine(r.thread)}` };
  });
}

function _ref(flags: { agent: string; thread: number; leaseEpoch?: number }) {
  return {
    agent: flags.agent,
    threadId: flags.thread,
    ...(flags.leaseEpoch !== undefined ? { leaseEpoch: flags.leaseEpoch } : {}),
  };
}

export function update(
  this: CliContext,
  flags: BodyFlags & {
    agent: string;
    thread: number;
    progress?: number;
    status?: UpdateStatus;
    payloadJson?: string;
    payloadFile?: string;
    leaseEpoch?: number;
  },
): Promise<void> {
  return respond(this, async () => {
    const body = await (await _input()).readBody(this, flags);
    const payload = await (await _input()).readPayload(this, flags);
    const r = await (await _store(this, _onThread(flags))).updateThread(_ref(flags), {
      ...(body !== undefined ? { body } : {}),
      ...(flags.progress !== undefined ? { progress: flags.progress } : {}),
      ...(flags.status !== undefined ? { status: flags.status } : {}),
      ...(payload !== undefined ? { payload } : {}),
    });
    return {
      json: { thread: r.thread, message: r.message },
      text: `Updated ${threadLine(r.thread)}`,
    };
  });
}

export function reply(
  this: CliContext,
  flags: BodyFlags & { agent: string; thread: number; payloadJson?: string; payloadFile?: string },
): Promise<void> {
  return respond(this, async () => {
    const body = await (await _input()).readBody(this, flags, { required: true });
    const payload = await (await _input()).readPayload(this, flags);
    const r = await (await _store(this, _onThread(flags))).replyThread(flags.agent, flags.thread, {
      body: body!,
      ...(payload !== undefined ? { payload } : {}),
    });
    return {
      json: { thread: r.thread, message: r.message },
      text: `Replied (message ${r.message?.id}) in ${threadLine(r.thread)}`,
    };
  });
}

/** Rejects a result that does not match the thread's declared contract; the thread stays open. */
async function _checkContract(thread: Thread, payload: unknown): Promise<void> {
  if (thread.result_contract !== COUNCIL_CONTRACT) return;
  const { validateReviewerResult } = await import("../../council/contract.ts");
  const v = validateReviewerResult(payload ?? null);
  if (!v.ok) {
    throw new AppError(
      "INVALID_RESULT",
      `The result does not match the council reviewer contract; fix it and run done again (the thread is still yours): ${
        v.problems.join("; ")
      }`,
      { thread_id: thread.id, contract: COUNCIL_CONTRACT, problems: v.problems },
    );
  }
}

export function done(
  this: CliContext,
  flags: BodyFlags & {
    agent: string;
    thread: number;
    payloadJson?: string;
    payloadFile?: string;
    artifact?: readonly string[];
    leaseEpoch?: number;
    noChanges?: boolean;
  },
): Promise<void> {
  return respond(this, async () => {
    const body = await (await _input()).readBody(this, flags);
    const given = await (await _input()).readPayload(this, flags);
    const artifacts = await (await _input()).readArtifacts(this, flags.artifact);
    const store = await _store(this, _onThread(flags));
    await _checkContract(await store.checkLease(_ref(flags)), given);
    // The leader reads `no_changes: true` as "no change was needed" (docs/protocol.md).
    const payload = flags.noChanges ? { ...given, no_changes: true } : given;
    const r = await store.completeThread({
      ..._ref(flags),
      ...(body !== undefined ? { body } : {}),
      ...(payload !== undefined ? { payload } : {}),
      artifacts,
    });
    return {
      json: { thread: r.thread, message: r.message, artifacts: r.artifacts ?? [] },
      text: `Done: ${threadLine(r.thread)}`,
    };
  });
}

export function fail(
  this: CliContext,
  flags: BodyFlags & {
    agent: string;
    thread: number;
    reason?: string;
    payloadJson?: string;
    payloadFile?: string;
    artifact?: readonly string[];
    leaseEpoch?: number;
  },
): Promise<void> {
  return respond(this, async () => {
    if (flags.reason !== undefined && (flags.body !== undefined || flags.bodyFile !== undefined)) {
      throw new AppError("USAGE", "Pass the reason once: --reason, --body or --body-file");
    }
    const body = flags.reason ??
      await (await _input()).readBody(this, flags, {
        required: true,
        what: "reason (--reason, --body or --body-file)",
      });
    const payload = await (await _input()).readPayload(this, flags);
    const artifacts = await (await _input()).readArtifacts(this, flags.artifact);
    const r = await (await _store(this, _onThread(flags))).failThread({
      ..._ref(flags),
      body: body!,
      ...(payload !== undefined ? { payload } : {}),
      artifacts,
    });
    return {
      json: { thread: r.thread, message: r.message, artifacts: r.artifacts ?? [] },
      text: `Failed: ${threadLine(r.thread)}`,
    };
  });
}

export function cancel(
  this: CliContext,
  flags: BodyFlags & { agent: string; thread: number },
): Promise<void> {
  return respond(this, async () => {
    const body = await (await _input()).readBody(this, flags);
    const r = await (await _store(this, _onThread(flags))).cancelThread(
      flags.agent,
      flags.thread,
      body,
    );
    return {
      json: { thread: r.thread, message: r.message },
      text: `Cancelled ${threadLine(r.thread)}`,
    };
  });
}

export function list(
  this: CliContext,
  flags: { agent?: string; status?: ThreadStatus; limit?: number },
): Promise<void> {
  return respond(this, async () => {
    const threads = await (await _store(this)).listThreads({
      ...(flags.agent !== undefined ? { agent: flags.agent } : {}),
      ...(flags.status !== undefined ? { status: flags.status } : {}),
      ...(flags.limit !== undefined ? { limit: flags.limit } : {}),
    });
    return {
      json: { threads },
      text: () =>
        threads.length
          ? table(
            ["ID", "STATUS", "FROM", "TO", "HOLDER", "PROGRESS", "SUBJECT"],
            threads.map((
              t,
            ) => [t.id, t.status, t.from_agent, t.to_agent, t.claimed_by, t.progress, t.subject]),
          )
          : "No threads",
    };
  });
}

export function show(this: CliContext, flags: { thread: number }): Promise<void> {
  return respond(this, async () => {
    const r = await (await _store(this)).showThread(flags.thread);
    return {
      json: { thread: r.thread, messages: r.messages },
      text: () => [threadLine(r.thread), ...r.messages.map(messageBlock)].join("\n"),
    };
  });
}

const _DEFAULT_TIMEOUT_SECONDS = 60;

export async function watch(
  this: CliContext,
  flags: {
    agent: string;
    timeoutSeconds?: number;
    max?: number;
    afterMessage?: number;
    safetyRecheckSeconds?: number;
  },
): Promise<void> {
  let store: InboxStore;
  let cursor: number;
  try {
    store = await _store(this);
    cursor = flags.afterMessage ?? await store.latestMessageId();
  } catch (err) {
    return respond(this, () => {
      throw err;
    });
  }
  const max = flags.max ?? Number.MAX_SAFE_INTEGER;
  const deadline = performance.now() + (flags.timeoutSeconds ?? _DEFAULT_TIMEOUT_SECONDS) * 1000;
  const { FALLBACK_POLL_MS, waitUntil } = await import("../../storage/wait_until.ts");
  // New messages come with commits alone: no time-based re-check beyond the feed's fallback.
  const recheckMs = flags.safetyRecheckSeconds === undefined
    ? FALLBACK_POLL_MS
    : flags.safetyRecheckSeconds * 1000;
  const recheck = { recheckMs, fallbackPollMs: recheckMs };
  let count = 0;
  let timedOut = false;
  while (count < max) {
    const left = deadline - performance.now();
    if (left <= 0) {
      timedOut = true;
      break;
    }
    const batch: Message[] | undefined = await waitUntil(store.db, async () => {
      const ms = await store.messagesFor(flags.agent, cursor, Math.min(100, max - count));
      return ms.length ? ms : undefined;
    }, { timeoutMs: left, ...recheck });
    if (!batch) {
      timedOut = true;
      break;
    }
    for (const m of batch) {
      this.process.stdout.write(
        this.global.json
          ? JSON.stringify({ type: "message", message: m }) + "\n"
          : messageBlock(m) + "\n",
      );
      cursor = m.id;
      count++;
    }
  }
  const end = { ok: true, type: "end", count, timed_out: timedOut, cursor };
  this.process.stdout.write(
    this.global.json
      ? JSON.stringify(end) + "\n"
      : `-- ${count} message(s)${timedOut ? ", timed out" : ""}; cursor ${cursor}\n`,
  );
}

export function waitReply(
  this: CliContext,
  flags: { agent: string; thread: number; afterMessage?: number; timeoutSeconds?: number },
): Promise<void> {
  return respond(this, async () => {
    const store = await _store(this, _onThread(flags));
    await store.participantThread(flags.thread, flags.agent);
    const after = flags.afterMessage ?? await store.lastMessageIdFrom(flags.thread, flags.agent);
    const timeoutMs = (flags.timeoutSeconds ?? _DEFAULT_TIMEOUT_SECONDS) * 1000;
    // A worker waiting on its own leased thread is alive: keep the lease from running out.
    const keepAlive = await _leaseKeeper(store, flags.agent, flags.thread);
    const { FALLBACK_POLL_MS, waitUntil } = await import("../../storage/wait_until.ts");
    const found = await waitUntil(
      store.db,
      async () => {
        await keepAlive?.check();
        const reply = await store.findReply(flags.thread, flags.agent, after);
        if (reply) return { reply };
        const status = (await store.getThread(flags.thread)).status;
        return status === "done" || status === "failed" ? { closed: status } : undefined;
      },
      // Only the lease changes with time alone; the rest comes with commits. A takeover
      // that no notification announced shows within the feed's fallback.
      { timeoutMs, recheckMs: Math.min(keepAlive?.everyMs ?? Infinity, FALLBACK_POLL_MS) },
    );
    if (found && "closed" in found) {
      throw new AppError(
        "THREAD_CLOSED",
        `Thread ${flags.thread} is already ${found.closed}: no reply can come`,
        { thread_id: flags.thread, status: found.closed },
      );
    }
    const message = found?.reply;
    const current = await store.getThread(flags.thread);
    if (!message) {
      return {
        json: { timed_out: true, thread: current, message: null, after_message: after },
        text: `No reply in thread ${flags.thread} after message ${after} (timed out)`,
      };
    }
    return {
      json: { timed_out: false, thread: current, message, after_message: after },
      text: messageBlock(message),
    };
  });
}

/** The fraction of the lease after which `wait-reply` renews it. */
const _RENEW_FRACTION = 1 / 3;
/** Never renew more often than this, however short the lease. */
const _MIN_RENEW_MS = 250;

/**
 * When `agent` holds the lease on `threadId`, renews it now and returns a
 * keeper whose `check()` renews it again every third of the lease (fenced by
 * the epoch of this renewal) and throws `LEASE_LOST` as soon as the lease is
 * no longer this agent's (taken over, reopened, or expired while this process
 * was stopped). Undefined when the agent holds no lease there (a leader
 * waiting for a worker's reply). A finished thread is left to the caller.
 */
async function _leaseKeeper(
  store: InboxStore,
  agent: string,
  threadId: number,
): Promise<{ check(): Promise<void>; everyMs: number } | undefined> {
  const thread = await store.getThread(threadId);
  if (thread.claimed_by !== agent || !LEASED_STATUSES.includes(thread.status)) return undefined;
  const first = (await store.renewLease({ agent, threadId })).thread;
  const epoch = first.lease_epoch;
  const leaseMs = Date.parse(first.lease_expires_at ?? "") - Date.parse(first.updated_at);
  const everyMs = Math.max(_MIN_RENEW_MS, leaseMs * _RENEW_FRACTION);
  let renewedAt = performance.now();
  return {
    everyMs,
    async check() {
      const current = await store.getThread(threadId);
      if (current.status === "done" || current.status === "failed") return;
      if (
        current.claimed_by !== agent || current.lease_epoch !== epoch ||
        !LEASED_STATUSES.includes(current.status)
      ) {
        throw new AppError(
          current.status === "cancelled" ? "CANCELLED" : "LEASE_LOST",
          current.status === "cancelled"
            ? `Thread ${threadId} was cancelled while "${agent}" waited for a reply`
            : `Agent "${agent}" lost the lease on thread ${threadId} while waiting for a reply`,
          {
            thread_id: threadId,
            agent,
            status: current.status,
            claimed_by: current.claimed_by,
            lease_epoch: current.lease_epoch,
            lease_expires_at: current.lease_expires_at,
          },
        );
      }
      const now = performance.now();
      if (now - renewedAt < everyMs) return;
      // Throws LEASE_LOST when the lease ran out before this renewal (this process was stopped).
      await store.renewLease({ agent, threadId, leaseEpoch: epoch });
      renewedAt = now;
    },
  };
}

export function artifactGet(
  this: CliContext,
  flags: { artifact: number; out?: string; force?: boolean },
): Promise<void> {
  return respond(this, async () => {
    const { artifact, content } = await (await _store(this)).getArtifact(flags.artifact);
    if (flags.out !== undefined) {
      try {
        // A symlink planted at the path is never followed (see write_out.ts).
        const { writeOut } = await import("../write_out.ts");
        await writeOut(flags.out, content, flags.force === true);
      } catch (err) {
        if (err instanceof Deno.errors.AlreadyExists) {
          throw new AppError(
            "ALREADY_EXISTS",
            `File "${flags.out}" given to --out already exists: pass --force to overwrite it`,
            { path: flags.out, flag: "--out" },
          );
        }
        throw new AppError(
          "INVALID_INPUT",
          `Cannot write "${flags.out}" given to --out: ${(err as Error).message}`,
          { path: flags.out, flag: "--out" },
        );
      }
      return {
        json: { artifact, out: flags.out },
        text:
          `Wrote artifact ${artifact.id} (${artifact.size} bytes, sha256 ${artifact.sha256}) to ${flags.out}`,
      };
    }
    if (!this.global.json) {
      this.process.stdout.writeBytes(content);
      return { json: {}, text: "" };
    }
    return {
      json: { artifact, content_base64: _base64(content) },
      text: "",
    };
  });
}

function _base64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}
