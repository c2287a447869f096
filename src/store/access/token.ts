import { sha256Hex } from "../sha256.ts";

/** Bytes of randomness in a token. */
const _TOKEN_BYTES = 32;

/** A new secret token: `tok_` and 64 hex digits from the system's CSPRNG. */
export function newToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(_TOKEN_BYTES));
  return `tok_${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** What the database keeps of a token: its SHA-256, in hex. */
export function tokenHash(token: string): string {
  return sha256Hex(new TextEncoder().encode(token));
}
