import type { AppError } from "./errors.ts";

/** The success envelope: `{"ok": true, ...entities}`. */
export function okEnvelope(body: Record<string, unknown>): Record<string, unknown> {
  return { ok: true, ...body };
}

/** The failure envelope: `{"ok": false, "error": {code, message, details}}`. */
export function errorEnvelope(err: AppError): Record<string, unknown> {
  return { ok: false, error: { code: err.code, message: err.message, details: err.details } };
}

/**
 * The success envelope as text, with some entities already serialised
 * (`raw`: key -> JSON text, e.g. a large list SQLite built as JSON).
 */
export function okEnvelopeText(body: Record<string, unknown>, raw: Record<string, string>): string {
  const head = JSON.stringify(okEnvelope(body));
  const tail = Object.entries(raw).map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(",");
  return tail ? `${head.slice(0, -1)},${tail}}` : head;
}
