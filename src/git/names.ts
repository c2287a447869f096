/**
 * Pure naming rules for attempt branches and worktree directories.
 *
 * @module
 */

import { isAbsolute, relative, resolve, sep } from "../path.ts";
import { AppError } from "../protocol/errors.ts";

/** The ids that name one attempt. */
export interface AttemptIds {
  /** The database's id: two databases on one repository never share a name. */
  databaseId: string;
  runId: string;
  taskId: string;
  /** A non-negative integer. */
  attemptNumber: number;
}

/** Longest kept prefix of an id that had to be rewritten. */
const _MAX_KEPT = 48;
/** Longest id used verbatim. */
const _MAX_VERBATIM = 64;

const _SAFE = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;
/** How every rewritten id ends; an id that already ends so is rewritten too. */
const _HASH_SUFFIX = /-[0-9a-f]{8}$/;

/**
 * Turns any string into one path segment / ref component made only of
 * `[A-Za-z0-9._-]`: non-empty, no leading `-` or `.`, no `..`, no trailing
 * `.` or `.lock`, at most 64 characters.
 *
 * An id that already follows these rules (and is at most 64 characters) is
 * kept as is, unless it ends in `-` and 8 hex digits. Any other id is
 * rewritten (unsafe runs become `-`, then cut to 48 characters) and gets `-`
 * plus an 8-hex-digit hash of the original appended, so two different ids
 * that rewrite alike still give different names (`"a b"` -> `a-b-<hash>`,
 * distinct from the verbatim `"a-b"`). Since every rewritten name ends in a
 * hash suffix and no verbatim one does, an id can never take the name of
 * another id's rewrite (`"V."` -> `V-82fa79c5`, and the id `"V-82fa79c5"`
 * itself -> `V-82fa79c5-<hash>`).
 */
export function sanitizeSegment(s: string): string {
  if (
    s.length <= _MAX_VERBATIM && _SAFE.test(s) && !s.includes("..") && !s.endsWith(".") &&
    !s.endsWith(".lock") && !_HASH_SUFFIX.test(s)
  ) {
    return s;
  }
  const kept = s
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/\.{2,}/g, ".")
    .slice(0, _MAX_KEPT)
    .replace(/^[.-]+/, "")
    .replace(/[.-]+$/, "");
  const hash = _fnv1a32(s);
  return kept === "" ? hash : `${kept}-${hash}`;
}

/** The branch for an attempt: `orch/<db>/<run>/<task>/attempt-<n>`, each id sanitised. */
export function branchNameFor(ids: AttemptIds): string {
  return `orch/${_segments(ids).join("/")}`;
}

/**
 * The read-only ref an analysis attempt's integrated view is kept under:
 * `refs/orch-views/<db>/<run>/<task>/attempt-<n>` (outside `refs/heads`, so
 * no branch to check out or commit on).
 */
export function viewRefFor(ids: AttemptIds): string {
  return `refs/orch-views/${_segments(ids).join("/")}`;
}

/**
 * The worktree directory for an attempt: `<root>/<db>/<run>/<task>/attempt-<n>`,
 * absolute, each id sanitised. Throws `WORKSPACE_ERROR` if the result would
 * not lie strictly inside `workspaceRoot` (it cannot, given the sanitising;
 * the check guards against future changes).
 */
export function worktreePathFor(workspaceRoot: string, ids: AttemptIds): string {
  const root = resolve(workspaceRoot);
  const path = resolve(root, ..._segments(ids));
  const rel = relative(root, path);
  if (rel === "" || isAbsolute(rel) || rel === ".." || rel.startsWith(`..${sep}`)) {
    throw new AppError(
      "WORKSPACE_ERROR",
      `Worktree path "${path}" is outside the workspace root "${root}"`,
      { workspace_root: root, path },
    );
  }
  return path;
}

function _segments(ids: AttemptIds): [string, string, string, string] {
  const n = ids.attemptNumber;
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new AppError(
      "WORKSPACE_ERROR",
      `Attempt number "${n}" is not a non-negative integer`,
      { attempt_number: n },
    );
  }
  return [
    sanitizeSegment(ids.databaseId),
    sanitizeSegment(ids.runId),
    sanitizeSegment(ids.taskId),
    `attempt-${n}`,
  ];
}

/** FNV-1a over the UTF-8 bytes, as 8 lowercase hex digits. */
function _fnv1a32(s: string): string {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(s)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}
