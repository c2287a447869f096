import { jsonDepth, MAX_JSON_BYTES, MAX_JSON_DEPTH } from "../protocol/json_bounds.ts";
import { AppError } from "../protocol/errors.ts";

/** Deepest JSON SQLite's JSON functions read; deeper text makes them fail. */
export const SQLITE_JSON_MAX_DEPTH = 1000;

/**
 * The text to store for a JSON object given by a caller (`what` names it in
 * errors), or `null` for `undefined`. Refuses values nested deeper than
 * {@linkcode MAX_JSON_DEPTH} or longer than {@linkcode MAX_JSON_BYTES}, so
 * nothing stored can break a view built with SQLite's JSON functions.
 */
export function toStoredJson(value: unknown, what: string): string | null {
  if (value === undefined) return null;
  const depth = jsonDepth(value, MAX_JSON_DEPTH);
  if (depth > MAX_JSON_DEPTH) {
    throw new AppError(
      "INVALID_INPUT",
      `The ${what} is nested more than ${MAX_JSON_DEPTH} levels deep`,
      { what, limit: MAX_JSON_DEPTH },
    );
  }
  const text = JSON.stringify(value);
  const bytes = new TextEncoder().encode(text).byteLength;
  if (bytes > MAX_JSON_BYTES) {
    throw new AppError(
      "INVALID_INPUT",
      `The ${what} is ${bytes} bytes of JSON: the limit is ${MAX_JSON_BYTES}`,
      { what, size: bytes, limit: MAX_JSON_BYTES },
    );
  }
  return text;
}

/**
 * Reads stored JSON text for a view. Text SQLite cannot read (malformed, or
 * nested deeper than {@linkcode SQLITE_JSON_MAX_DEPTH}, as older versions
 * could store) reads as `null`, the same value the SQL views give with
 * `CASE WHEN json_valid(x) THEN json(x) END`, so one bad row never breaks a
 * view of the whole run.
 */
export function parseStoredJson(text: unknown): unknown {
  if (text == null) return null;
  let value: unknown;
  try {
    value = JSON.parse(String(text));
  } catch {
    return null;
  }
  return jsonDepth(value, SQLITE_JSON_MAX_DEPTH) > SQLITE_JSON_MAX_DEPTH ? null : value;
}
