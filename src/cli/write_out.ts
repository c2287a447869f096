/**
 * Writing a file a user named (`--out`) without ever following a symlink at
 * that path: a new file must not exist yet (O_EXCL, where a symlink counts
 * as existing); with `replace`, the bytes go to a new file beside it that is
 * then renamed over the path, which replaces a symlink itself, never its
 * target.
 *
 * @module
 */
import { dirname, join } from "../path.ts";

/** Writes `bytes` to `path`; throws Deno's `AlreadyExists` when it exists and `replace` is off. */
export async function writeOut(path: string, bytes: Uint8Array, replace: boolean): Promise<void> {
  if (!replace) {
    await Deno.writeFile(path, bytes, { createNew: true });
    return;
  }
  const name = `.${path.split("/").at(-1) || "out"}.${crypto.randomUUID()}.tmp`;
  const tmp = join(dirname(path), name);
  await Deno.writeFile(tmp, bytes, { createNew: true });
  try {
    await Deno.rename(tmp, path);
  } catch (err) {
    await Deno.remove(tmp).catch(() => {});
    throw err;
  }
}
