/**
 * Is a directory still the linked worktree git made? A worker controls every
 * file in its worktree, `.git` included: a `.git` directory of its own (with
 * a `config` setting `core.fsmonitor`, say) would make any git command run
 * there read the worker's config. So before orch runs git in an attempt's
 * worktree it checks the link both ways, reading only small files and
 * running no git in the worktree.
 *
 * @module
 */

import { dirname, isAbsolute, join, resolve } from "../path.ts";
import { AppError } from "../protocol/errors.ts";

/** Largest link file read (`.git`, `gitdir`, `commondir` hold one path each). */
const _MAX_LINK_BYTES = 4096;

/**
 * Throws `WORKSPACE_TAMPERED` unless `path` is a directory (not a symlink)
 * whose `.git` is a regular file `gitdir: <common>/worktrees/<name>`, where
 * `<common>` is `commonDir` (the repository's `.git`), and that admin
 * directory's `gitdir` points back at `<path>/.git` and its `commondir` at
 * `commonDir`. Returns the admin directory. A path that does not exist is
 * not checked here (callers treat it as missing).
 */
export function verifyWorktreeLink(commonDir: string, path: string): string {
  const fail = (reason: string): never => {
    throw new AppError(
      "WORKSPACE_TAMPERED",
      `Worktree "${path}" is not the link git made (${reason}): orch leaves it for a person to inspect`,
      { worktree_path: path, reason },
    );
  };
  const dir = Deno.lstatSync(path);
  if (!dir.isDirectory) fail(dir.isSymlink ? "it is a symbolic link" : "it is not a directory");
  const dotGit = join(path, ".git");
  let link: Deno.FileInfo;
  try {
    link = Deno.lstatSync(dotGit);
  } catch {
    return fail("its .git is missing");
  }
  if (!link.isFile) fail(link.isDirectory ? "its .git is a directory" : "its .git is not a file");
  const m = /^gitdir: (.+?)\r?\n?$/.exec(_readSmall(dotGit, fail));
  if (!m) return fail("its .git file does not name a git directory");
  const admin = resolve(path, m[1]!);
  const common = _real(commonDir);
  if (_real(dirname(admin)) !== join(common, "worktrees")) {
    fail("its .git points outside the repository's worktrees");
  }
  const back = _readSmall(join(admin, "gitdir"), fail).trim();
  if (_real(dirname(resolve(admin, back))) !== _real(path) || !back.endsWith(".git")) {
    fail("its git directory does not point back at it");
  }
  const commondir = _readSmall(join(admin, "commondir"), fail).trim();
  if (_real(isAbsolute(commondir) ? commondir : resolve(admin, commondir)) !== common) {
    fail("its git directory names another common directory");
  }
  return admin;
}

function _readSmall(file: string, fail: (reason: string) => never): string {
  let f: Deno.FsFile;
  try {
    if (!Deno.lstatSync(file).isFile) return fail(`"${file}" is not a regular file`);
    f = Deno.openSync(file, { read: true });
  } catch {
    return fail(`"${file}" cannot be read`);
  }
  try {
    const buf = new Uint8Array(_MAX_LINK_BYTES + 1);
    let n = 0;
    for (;;) {
      const r = f.readSync(buf.subarray(n));
      if (r === null || r === 0) break;
      n += r;
      if (n > _MAX_LINK_BYTES) return fail(`"${file}" is too large`);
    }
    return new TextDecoder().decode(buf.subarray(0, n));
  } finally {
    f.close();
  }
}

function _real(path: string): string {
  try {
    return Deno.realPathSync(path);
  } catch {
    return resolve(path);
  }
}
