import type { Row } from "../../storage/db.ts";
import type { ArtifactMeta } from "../inbox_types.ts";

/** The `artifacts` columns of {@linkcode ArtifactMeta} (all but the content). */
export const ARTIFACT_META_COLUMNS =
  "id, thread_id, message_id, name, media_type, size, sha256, created_at";

/** An `artifacts` row as {@linkcode ArtifactMeta}. */
export function artifactFromRow(r: Row): ArtifactMeta {
  return {
    id: Number(r["id"]),
    thread_id: Number(r["thread_id"]),
    message_id: Number(r["message_id"]),
    name: String(r["name"]),
    media_type: String(r["media_type"]),
    size: Number(r["size"]),
    sha256: String(r["sha256"]),
    created_at: String(r["created_at"]),
  };
}

/** Attaches to each message the artifacts it carries (those of `arts` with its id). */
export function attachArtifacts(
  messages: { id: number; artifacts?: ArtifactMeta[] }[],
  arts: ArtifactMeta[],
): void {
  for (const m of messages) {
    const mine = arts.filter((a) => a.message_id === m.id);
    if (mine.length > 0) m.artifacts = mine;
  }
}
