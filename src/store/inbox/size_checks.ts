/** The size limits on what a message carries, checked before anything is written. */
import { AppError } from "../../protocol/errors.ts";
import { type ArtifactInput, MAX_ARTIFACT_BYTES, MAX_BODY_BYTES } from "../inbox_types.ts";

/** `TOO_LARGE` when the body is over {@linkcode MAX_BODY_BYTES} in UTF-8. */
export function checkBodySize(body: string): void {
  // A UTF-16 unit is at most 3 UTF-8 bytes: count bytes only when it could matter.
  if (body.length * 3 <= MAX_BODY_BYTES) return;
  const size = new TextEncoder().encode(body).byteLength;
  if (size > MAX_BODY_BYTES) {
    throw new AppError(
      "TOO_LARGE",
      `The message body is ${size} bytes: the limit is ${MAX_BODY_BYTES}`,
      { size, limit: MAX_BODY_BYTES },
    );
  }
}

/** `TOO_LARGE` when an artifact is over {@linkcode MAX_ARTIFACT_BYTES}. */
export function checkArtifacts(artifacts: ArtifactInput[] | undefined): void {
  for (const a of artifacts ?? []) {
    if (a.bytes.byteLength > MAX_ARTIFACT_BYTES) {
      throw new AppError(
        "TOO_LARGE",
        `Artifact "${a.name}" is ${a.bytes.byteLength} bytes: the limit is ${MAX_ARTIFACT_BYTES}`,
        { name: a.name, size: a.bytes.byteLength, limit: MAX_ARTIFACT_BYTES },
      );
    }
  }
}
