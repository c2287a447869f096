import { AppError } from "../protocol/errors.ts";

/**
 * Refuses text holding a NUL character (`what` names it in the error).
 * SQLite stores such text whole, but reads it back cut at the NUL, so a body
 * would come back silently truncated; binary data belongs in an artifact.
 */
export function requireText(text: string | undefined, what: string): void {
  if (text === undefined) return;
  const at = text.indexOf("\0");
  if (at >= 0) {
    throw new AppError(
      "INVALID_INPUT",
      `The ${what} contains a NUL byte (at character ${at}): text may not, send binary data as an artifact`,
      { what, offset: at },
    );
  }
}
