/**
 * Reads a file or a stream without ever holding more than a limit: the size
 * of a regular file is checked before reading, and any stream (pipe, FIFO,
 * device, stdin) is read chunk by chunk and abandoned once it passes the
 * limit. Callers turn `{ tooLarge: true }` into their own error.
 */

/** Bytes read, or `tooLarge` once more than `limit` bytes were seen. */
export type BoundedRead =
  | { tooLarge: false; bytes: Uint8Array }
  | { tooLarge: true; seen: number };

/**
 * Reads at most `limit` bytes from `stream` (more is `tooLarge`; the rest is
 * left unread and the stream released).
 */
export async function readStreamBounded(
  stream: ReadableStream<Uint8Array>,
  limit: number,
): Promise<BoundedRead> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = stream.getReader();
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > limit) return { tooLarge: true, seen: total };
      chunks.push(value);
    }
  } finally {
    await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  return { tooLarge: false, bytes };
}

/**
 * Reads the file at `path` with a bound: a regular file larger than `limit`
 * is refused from its size, without reading; anything else is read as a
 * stream up to the limit. Deno's own errors (not found, permission) pass
 * through for the caller to word.
 */
export async function readFileBounded(path: string, limit: number): Promise<BoundedRead> {
  const file = await Deno.open(path, { read: true });
  let owned = true;
  try {
    const info = await file.stat();
    if (info.isDirectory) throw new Deno.errors.IsADirectory(`"${path}" is a directory`);
    if (info.isFile && info.size > limit) return { tooLarge: true, seen: info.size };
    owned = false; // the stream closes the file
    return await readStreamBounded(file.readable, limit);
  } finally {
    if (owned) file.close();
  }
}
