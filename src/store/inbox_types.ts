/**
 * Domain types of the inbox. Their fields are the snake_case names of the
 * JSON contract (docs/protocol.md): the CLI prints them as they are, so the
 * store maps rows straight to the wire shape instead of through a camelCase
 * copy that would have to be mapped back.
 */

import {
  MESSAGE_TYPES,
  THREAD_KINDS,
  THREAD_STATUSES,
  UPDATE_STATUSES,
} from "../protocol/enums.ts";

export { MESSAGE_TYPES, THREAD_KINDS, THREAD_STATUSES, UPDATE_STATUSES };

export type ThreadKind = typeof THREAD_KINDS[number];

export type ThreadStatus = typeof THREAD_STATUSES[number];

/** Statuses in which a worker holds (or held) a lease. */
export const LEASED_STATUSES: readonly ThreadStatus[] = [
  "claimed",
  "in_progress",
  "blocked",
  "verifying",
];
export const FINAL_STATUSES: readonly ThreadStatus[] = ["done", "failed", "cancelled"];

export type UpdateStatus = typeof UPDATE_STATUSES[number];

export type MessageType = typeof MESSAGE_TYPES[number];

export interface Thread {
  id: number;
  kind: ThreadKind;
  from_agent: string;
  to_agent: string;
  subject: string;
  status: ThreadStatus;
  claimed_by: string | null;
  lease_expires_at: string | null;
  lease_epoch: number;
  progress: number | null;
  result_contract: string | null;
  run_id: string | null;
  task_id: string | null;
  attempt_id: number | null;
  created_at: string;
  updated_at: string;
}

export interface ArtifactMeta {
  id: number;
  thread_id: number;
  message_id: number;
  name: string;
  media_type: string;
  size: number;
  sha256: string;
  created_at: string;
}

export interface Message {
  id: number;
  thread_id: number;
  from_agent: string;
  to_agent: string;
  type: MessageType;
  body: string;
  payload: unknown;
  ts: string;
  artifacts?: ArtifactMeta[];
  thread_subject?: string;
  thread_status?: ThreadStatus;
}

/** An artifact to store: its bytes are hashed and kept in the database. */
export interface ArtifactInput {
  name: string;
  mediaType: string;
  bytes: Uint8Array;
}

/** Largest message body, in UTF-8 bytes (bigger content belongs in an artifact). */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Largest artifact kept in the database. */
export const MAX_ARTIFACT_BYTES = 8 * 1024 * 1024;

/** Lease length when a claim names none. */
export const DEFAULT_LEASE_SECONDS = 900;
