import { AppError } from "../../protocol/errors.ts";
import type { ArtifactMeta } from "../inbox_types.ts";
import { sha256Hex } from "../sha256.ts";
import { artifactFromRow } from "./artifact_row.ts";
import type { InboxContext } from "./context.ts";

/** Artifact metadata and bytes; verifies size and sha256. */
export async function getArtifact(
  ctx: InboxContext,
  artifactId: number,
): Promise<{ artifact: ArtifactMeta; content: Uint8Array }> {
  const row = await ctx.db.get("SELECT * FROM artifacts WHERE id = ?", artifactId);
  if (!row) {
    throw new AppError("ARTIFACT_NOT_FOUND", `Artifact ${artifactId} does not exist`, {
      artifact_id: artifactId,
    });
  }
  const artifact = artifactFromRow(row);
  const content = row["content"] as Uint8Array;
  if (content.byteLength !== artifact.size || sha256Hex(content) !== artifact.sha256) {
    throw new AppError(
      "ARTIFACT_CORRUPT",
      `Artifact ${artifactId} does not match its recorded size and sha256`,
      { artifact_id: artifactId },
    );
  }
  return { artifact, content };
}
