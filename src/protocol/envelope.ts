import type { AppError } from "./errors.ts";

/** The success envelope: `{"ok": true, ...entities}`. */
export function okEnvelope(body: Record<string, unknown>): Record<string, unknown> {
  return { ok: true, ...body };
}

/** The failure envelope: `{"ok": false, "error": {code, message, details}}`. */
export function errorEnvelope(err: AppError): Record<string, unknown> {
  return { ok: false, error: { code: err.code, message: err.message, details: err.details } };
}
