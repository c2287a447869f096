import { okEnvelope } from "../protocol/envelope.ts";
import type { Out } from "./context.ts";

/** How much text is gathered before one write (a large array goes out in pieces of this size). */
export const RAW_JSON_CHUNK_CHARS = 1 << 18;

/**
 * Writes the success envelope of `body` plus entities already serialised
 * (`raw`: key -> JSON text, or a JSON array given as its elements' texts),
 * then a newline. An array is written piece by piece, never joined into one
 * string: `orch --json status` on 10,000 tasks prints ~6.5 MB this way
 * without holding it twice.
 */
export function writeEnvelopeWithRaw(
  out: Out,
  body: Record<string, unknown>,
  raw: Record<string, string | readonly string[]>,
): void {
  const head = JSON.stringify(okEnvelope(body));
  let pending = head.slice(0, -1);
  let first = pending.length === 1; // "{": the body had no entity to follow
  const add = (text: string) => {
    pending += text;
    if (pending.length >= RAW_JSON_CHUNK_CHARS) {
      out.write(pending);
      pending = "";
    }
  };
  for (const [key, value] of Object.entries(raw)) {
    add(`${first ? "" : ","}${JSON.stringify(key)}:`);
    first = false;
    if (typeof value === "string") {
      add(value);
      continue;
    }
    add("[");
    value.forEach((item, i) => add(i === 0 ? item : "," + item));
    add("]");
  }
  out.write(pending + "}\n");
}
