/**
 * orch's own git directory for in-core merges (`git merge-tree --write-tree`
 * of `orch merge` and stacked dispatch): a private, bare git directory made
 * once per process in a fresh temporary folder, over the repository's object
 * database (`GIT_DIR` is it, `GIT_OBJECT_DIRECTORY` the repository's
 * objects).
 *
 * Git reads the repository's config and `info/attributes` from `GIT_DIR`, so
 * a merge run there reads neither file of the shared `.git`, which workers
 * can write: no merge driver, filter or other setting a worker planted there
 * applies, whenever it was planted (a check of the config before each merge
 * would leave the time between the check and the merge open, and costs a git
 * process per merge). The merge reads and writes objects only; refs are
 * moved in the repository itself, by the caller.
 *
 * When no private folder can be made (file access narrowed by
 * `ORCH_ALLOW_PATHS`), {@linkcode inCoreRepo} gives `undefined` and callers
 * run the merge in the repository with the per-call driver overrides of
 * run_git.ts.
 *
 * @module
 */

import { dirname } from "../path.ts";
import { type FileLock, tryLockFile } from "./file_lock.ts";
import { repoObjects } from "./repo.ts";

/** The prefix of every private folder in the temporary folder. */
const _PREFIX = "orch-in-core-";
/** The lock a live process holds on its folder for as long as it runs. */
const _LOCK = "orch.lock";
/** A folder without a lock (made by an older version) is left alone for this long. */
const _UNLOCKED_GRACE_MS = 24 * 60 * 60 * 1000;

/** The locks of this process's folders: held until it exits (the kernel drops them then). */
const _held: FileLock[] = [];

/** Where an in-core merge runs: the private git directory and the repository's objects. */
export interface InCoreRepo {
  /** The private bare git directory (`GIT_DIR`). */
  gitDir: string;
  /** The repository's object database (`GIT_OBJECT_DIRECTORY`): `<common dir>/objects`. */
  objects: string;
}

/** The private git directory per object format (`sha1`, `sha256`), made on first use. */
const _dirs = new Map<string, string | undefined>();

/**
 * The in-core setup for the repository at `repo` (its common directory and
 * object format from repo.ts: no git call when discoverRepo found it), or
 * `undefined` when no private folder can be made.
 */
export function inCoreRepo(repo: string): InCoreRepo | undefined {
  const { commonDir, objectFormat } = repoObjects(repo);
  const gitDir = objectFormat ? _privateGitDir(objectFormat) : undefined;
  return gitDir ? { gitDir, objects: `${commonDir}/objects` } : undefined;
}

/** The text of the private directory's config: bare, and the repository's object format. */
export function inCoreConfig(objectFormat: string): string {
  return objectFormat === "sha1"
    ? "[core]\n\trepositoryformatversion = 0\n\tbare = true\n"
    : `[core]\n\trepositoryformatversion = 1\n\tbare = true\n[extensions]\n\tobjectformat = ${objectFormat}\n`;
}

function _privateGitDir(objectFormat: string): string | undefined {
  if (_dirs.has(objectFormat)) return _dirs.get(objectFormat);
  let dir: string | undefined;
  try {
    dir = Deno.makeTempDirSync({ prefix: _PREFIX });
    _holdLock(dir);
    // What git needs to take a folder for a git directory: HEAD (here an unborn branch), refs/
    // and objects/ (unused: GIT_OBJECT_DIRECTORY names the repository's).
    Deno.mkdirSync(`${dir}/refs`);
    Deno.mkdirSync(`${dir}/objects`);
    Deno.writeTextFileSync(`${dir}/HEAD`, "ref: refs/heads/orch-in-core\n");
    Deno.writeTextFileSync(`${dir}/config`, inCoreConfig(objectFormat));
    const made = dir;
    globalThis.addEventListener("unload", () => _remove(made));
    sweepDeadFolders(dirname(dir), made);
  } catch {
    if (dir) _remove(dir);
    dir = undefined;
  }
  _dirs.set(objectFormat, dir);
  return dir;
}

/**
 * Locks `dir` as this process's: the lock file is made and locked under
 * another name, then renamed into place, so no other process ever sees the
 * lock file unlocked while this one lives.
 */
function _holdLock(dir: string): void {
  const lock = tryLockFile(`${dir}/${_LOCK}.new`);
  if (!lock) throw new Error("a new folder's lock is held");
  Deno.renameSync(`${dir}/${_LOCK}.new`, `${dir}/${_LOCK}`);
  _held.push(lock);
}

/**
 * Removes from `tmp` the private folders of processes that ended without
 * removing theirs (killed): a folder whose lock nobody holds, or one without
 * a lock older than a day. Never `keep`, never a live process's folder.
 */
export function sweepDeadFolders(tmp: string, keep?: string): void {
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(tmp)];
  } catch {
    return;
  }
  for (const e of entries) {
    const dir = `${tmp}/${e.name}`;
    if (!e.isDirectory || !e.name.startsWith(_PREFIX) || dir === keep) continue;
    try {
      let hasLock = true;
      try {
        Deno.lstatSync(`${dir}/${_LOCK}`);
      } catch {
        hasLock = false;
      }
      if (!hasLock) {
        const mtime = Deno.lstatSync(dir).mtime?.getTime() ?? Date.now();
        if (Date.now() - mtime > _UNLOCKED_GRACE_MS) _remove(dir);
        continue;
      }
      const lock = tryLockFile(`${dir}/${_LOCK}`);
      if (!lock) continue; // a live process's
      try {
        _remove(dir);
      } finally {
        lock.release();
      }
    } catch {
      // Not ours to judge (another user's, or gone meanwhile): left alone.
    }
  }
}

function _remove(dir: string): void {
  try {
    Deno.removeSync(dir, { recursive: true });
  } catch {
    // Left in the temporary folder: a few bytes, nothing of the repository's.
  }
}
