/** The inputs and results of the inbox operations that write. */
import type { ArtifactInput, ArtifactMeta, Message, Thread, ThreadKind } from "../inbox_types.ts";

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
