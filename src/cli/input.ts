import { AppError } from "../protocol/errors.ts";
import { jsonDepth, MAX_JSON_BYTES, MAX_JSON_DEPTH } from "../protocol/json_bounds.ts";
import { type ArtifactInput, MAX_ARTIFACT_BYTES, MAX_BODY_BYTES } from "../store/inbox_types.ts";
import { type BoundedRead, readFileBounded } from "./read_bounded.ts";
import type { CliContext } from "./context.ts";

const _decoder = new TextDecoder("utf-8", { fatal: true });

/** Largest `--dispatch-json` file: a dispatch output holds a body, acceptance and payload. */
export const MAX_DISPATCH_JSON_BYTES = MAX_BODY_BYTES + 3 * MAX_JSON_BYTES;

function _where(path: string, flag: string): string {
  return path === "-" ? `Stdin given to ${flag}` : `File "${path}" given to ${flag}`;
}

/**
 * Reads what a flag names (`-` is stdin) holding at most `limit` bytes in
 * memory: past the limit is `TOO_LARGE`, found from a regular file's size
 * before reading. With `regularOnly` (artifacts), anything but a regular
 * file (a device, FIFO, socket or directory) is refused before it is opened.
 */
async function _readFile(
  ctx: CliContext,
  path: string,
  flag: string,
  options: { limit: number; regularOnly?: boolean },
): Promise<Uint8Array> {
  const { limit } = options;
  let read: BoundedRead;
  try {
    if (path === "-") {
      if (options.regularOnly) {
        throw new AppError("INVALID_INPUT", `${flag} takes a file, not "-" (stdin)`, { flag });
      }
      read = await ctx.readStdin(limit);
    } else {
      if (options.regularOnly) {
        const info = await Deno.stat(path);
        if (!info.isFile) {
          throw new AppError(
            "INVALID_INPUT",
            `"${path}" given to ${flag} is not a regular file (${
              _kind(info)
            }): only regular files can be artifacts`,
            { path, flag, kind: _kind(info) },
          );
        }
      }
      read = await readFileBounded(path, limit);
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    if (err instanceof Deno.errors.NotFound) {
      throw new AppError("INPUT_FILE_NOT_FOUND", `File "${path}" given to ${flag} does not exist`, {
        path,
        flag,
      });
    }
    if (err instanceof Deno.errors.IsADirectory) {
      throw new AppError("INVALID_INPUT", `"${path}" given to ${flag} is a directory`, { path });
    }
    if (err instanceof Deno.errors.NotCapable || err instanceof Deno.errors.PermissionDenied) {
      throw new AppError(
        "INVALID_INPUT",
        `Cannot read "${path}" given to ${flag}: this program is not allowed to read it`,
        { path, flag },
      );
    }
    throw new AppError(
      "INVALID_INPUT",
      `Cannot read "${path}" given to ${flag}: ${(err as Error).message}`,
      {
        path,
        flag,
      },
    );
  }
  if (read.tooLarge) {
    throw new AppError(
      "TOO_LARGE",
      `${_where(path, flag)} is over the limit of ${limit} bytes`,
      { path, flag, limit },
    );
  }
  return read.bytes;
}

function _kind(info: Deno.FileInfo): string {
  if (info.isDirectory) return "a directory";
  if (info.isFifo) return "a FIFO";
  if (info.isSocket) return "a socket";
  if (info.isCharDevice) return "a character device";
  if (info.isBlockDevice) return "a block device";
  return "not a file";
}

/**
 * The body from `--body` or `--body-file` (`-` is stdin). Both at once is a
 * usage error; neither gives `undefined`, or a usage error when `required`.
 */
export async function readBody(
  ctx: CliContext,
  flags: { body?: string | undefined; bodyFile?: string | undefined; payloadFile?: string },
  options: { required?: boolean; what?: string } = {},
): Promise<string | undefined> {
  if (flags.body !== undefined && flags.bodyFile !== undefined) {
    throw new AppError("USAGE", "Pass either --body or --body-file, not both");
  }
  _oneStdinReader(flags);
  if (flags.body !== undefined) return flags.body;
  if (flags.bodyFile !== undefined) return await readTextFile(ctx, flags.bodyFile, "--body-file");
  if (options.required) {
    throw new AppError(
      "USAGE",
      `Missing ${options.what ?? "body"}: pass --body TEXT or --body-file PATH (- for stdin)`,
    );
  }
  return undefined;
}

/** Stdin can be read once: `--body-file -` and `--payload-file -` together are a usage error. */
function _oneStdinReader(flags: { bodyFile?: string | undefined; payloadFile?: string }): void {
  if (flags.bodyFile === "-" && flags.payloadFile === "-") {
    throw new AppError(
      "USAGE",
      "Only one of --body-file and --payload-file can read stdin (-): give the other a file",
    );
  }
}

/**
 * The payload from `--payload-json` or `--payload-file` (`-` is stdin), a
 * JSON object within the payload bounds; undefined when neither is given.
 * A file holds payloads too large for a command line (about 128 KiB there).
 */
export async function readPayload(
  ctx: CliContext,
  flags: { payloadJson?: string; payloadFile?: string; bodyFile?: string | undefined },
): Promise<Record<string, unknown> | undefined> {
  if (flags.payloadJson !== undefined && flags.payloadFile !== undefined) {
    throw new AppError("USAGE", "Pass either --payload-json or --payload-file, not both");
  }
  _oneStdinReader(flags);
  if (flags.payloadFile === undefined) return parseJsonObject(flags.payloadJson, "--payload-json");
  const text = await readTextFile(ctx, flags.payloadFile, "--payload-file", MAX_JSON_BYTES);
  return parseJsonObject(text, "--payload-file");
}

/** The UTF-8 text of the file a flag names (`-` is stdin); errors name the flag. */
export async function readTextFile(
  ctx: CliContext,
  path: string,
  flag: string,
  limit: number = MAX_BODY_BYTES,
): Promise<string> {
  const bytes = await _readFile(ctx, path, flag, { limit });
  let text: string;
  try {
    text = _decoder.decode(bytes);
  } catch {
    throw new AppError("INVALID_INPUT", `File "${path}" given to ${flag} is not UTF-8 text`, {
      path,
      flag,
    });
  }
  const nul = text.indexOf("\0");
  if (nul >= 0) {
    throw new AppError(
      "INVALID_INPUT",
      `File "${path}" given to ${flag} contains a NUL byte (at character ${nul}): text may not, send binary data with --artifact`,
      { path, flag, offset: nul },
    );
  }
  return text;
}

/**
 * Parses a JSON flag value (`--payload-json`, `--acceptance-json`) and checks
 * it is a JSON object. zod is loaded only here, on the paths that take JSON.
 */
export async function parseJsonObject(
  text: string | undefined,
  flag: string,
): Promise<Record<string, unknown> | undefined> {
  if (text === undefined) return undefined;
  const bytes = new TextEncoder().encode(text).byteLength;
  if (bytes > MAX_JSON_BYTES) {
    throw new AppError(
      "INVALID_INPUT",
      `${flag} is ${bytes} bytes: the limit is ${MAX_JSON_BYTES}`,
      { flag, size: bytes, limit: MAX_JSON_BYTES },
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new AppError("INVALID_JSON", `${flag} is not valid JSON: ${(err as Error).message}`, {
      flag,
    });
  }
  const { JsonObjectSchema } = await import("../protocol/schemas.ts");
  const parsed = JsonObjectSchema.safeParse(value);
  if (!parsed.success) {
    throw new AppError("INVALID_INPUT", `${flag} must be a JSON object, like '{"key": "value"}'`, {
      flag,
    });
  }
  if (jsonDepth(parsed.data, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    throw new AppError(
      "INVALID_INPUT",
      `${flag} is nested more than ${MAX_JSON_DEPTH} levels deep`,
      { flag, limit: MAX_JSON_DEPTH },
    );
  }
  return parsed.data;
}

const _MEDIA_TYPES: Record<string, string> = {
  ".txt": "text/plain",
  ".md": "text/markdown",
  ".json": "application/json",
  ".html": "text/html",
  ".csv": "text/csv",
  ".log": "text/plain",
  ".diff": "text/x-diff",
  ".patch": "text/x-diff",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".svg": "image/svg+xml",
  ".pdf": "application/pdf",
};

/** Reads `--artifact` files into artifact inputs (name = file name, media type by extension). */
export async function readArtifacts(
  ctx: CliContext,
  paths: readonly string[] | undefined,
): Promise<ArtifactInput[]> {
  const out: ArtifactInput[] = [];
  for (const p of paths ?? []) {
    const bytes = await _readFile(ctx, p, "--artifact", {
      limit: MAX_ARTIFACT_BYTES,
      regularOnly: true,
    });
    const name = p.split(/[\\/]/).filter(Boolean).pop() ?? p;
    const ext = name.includes(".") ? name.slice(name.lastIndexOf(".")).toLowerCase() : "";
    out.push({ name, mediaType: _MEDIA_TYPES[ext] ?? "application/octet-stream", bytes });
  }
  return out;
}
