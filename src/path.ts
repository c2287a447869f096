/**
 * The path operations orch's git and workspace code uses (`resolve`, `join`,
 * `dirname`, `relative`, `isAbsolute`, `normalize`, `sep`), without
 * `node:path`: importing that loads Deno's Node compatibility layer, some 50
 * modules and ~11 ms of start-up, in every command that touches git. On
 * POSIX systems these follow Node's `path.posix` exactly (path_test.ts
 * compares them); on Windows the same names come from `node:path` (its win32
 * rules), which is then imported, there only.
 *
 * @module
 */

/** Node's own implementation, on Windows only (drive letters, backslashes, UNC paths). */
const _win: typeof import("node:path") | undefined = Deno.build.os === "windows"
  ? await import("node:path")
  : undefined;

/** The separator of path segments. */
export const sep: string = _win?.sep ?? "/";

/** Whether `path` is absolute. */
export function isAbsolute(path: string): boolean {
  return _win ? _win.isAbsolute(path) : path.startsWith("/");
}

/**
 * `path` with `.` and `..` segments and repeated separators resolved; a
 * trailing separator is kept; `"."` for an empty result.
 */
export function normalize(path: string): string {
  if (_win) return _win.normalize(path);
  if (path === "") return ".";
  const absolute = path.startsWith("/");
  let out = _segments(path, absolute);
  if (out === "" && !absolute) out = ".";
  if (out !== "" && path.endsWith("/")) out += "/";
  return absolute ? `/${out}` : out;
}

/** The non-empty `parts` joined with the separator and normalised (`"."` when there are none). */
export function join(...parts: string[]): string {
  if (_win) return _win.join(...parts);
  const joined = parts.filter((p) => p !== "").join("/");
  return joined === "" ? "." : normalize(joined);
}

/**
 * The absolute path `parts` name, read right to left until one is absolute
 * (the working directory first when none is); no trailing separator.
 */
export function resolve(...parts: string[]): string {
  if (_win) return _win.resolve(...parts);
  let path = "";
  for (let i = parts.length - 1; i >= 0 && !path.startsWith("/"); i--) {
    const part = parts[i]!;
    if (part !== "") path = path === "" ? part : `${part}/${path}`;
  }
  if (!path.startsWith("/")) path = path === "" ? Deno.cwd() : `${Deno.cwd()}/${path}`;
  return `/${_segments(path, true)}`;
}

/**
 * The directory part of `path`: all before the separator in front of its last segment (`"."`
 * when there is none, `"/"` for the root), as Node's `path.posix.dirname`.
 */
export function dirname(path: string): string {
  if (_win) return _win.dirname(path);
  if (path === "") return ".";
  const rooted = path.startsWith("/");
  let end = -1;
  let trailing = true; // still in the separators at the end
  for (let i = path.length - 1; i >= 1; i--) {
    if (path[i] === "/") {
      if (!trailing) {
        end = i;
        break;
      }
    } else trailing = false;
  }
  if (end === -1) return rooted ? "/" : ".";
  if (rooted && end === 1) return "//";
  return path.slice(0, end);
}

/** The path from `from` to `to` (both resolved first): `""` when they are the same. */
export function relative(from: string, to: string): string {
  if (_win) return _win.relative(from, to);
  const a = resolve(from).split("/").filter((s) => s !== "");
  const b = resolve(to).split("/").filter((s) => s !== "");
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  return [...a.slice(common).map(() => ".."), ...b.slice(common)].join("/");
}

/** `path`'s segments with `.`, `..` and empty ones resolved, joined by `/` (no leading one). */
function _segments(path: string, absolute: boolean): string {
  const out: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (!absolute) out.push("..");
      continue;
    }
    out.push(segment);
  }
  return out.join("/");
}
