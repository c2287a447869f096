/**
 * What a code attempt changed between two commits: files with status and
 * line counts, commits with subjects, and optionally the patch. Read-only
 * git; no external diff drivers or text conversion (nothing a worker could
 * have configured runs).
 *
 * @module
 */

import { runGit } from "./run_git.ts";

/** One changed file. */
export interface DiffFile {
  path: string;
  /** The path before a rename or copy, else null. */
  old_path: string | null;
  /** added | modified | deleted | renamed | copied | type_changed */
  status: string;
  /** Lines added; null for a binary file. */
  insertions: number | null;
  /** Lines removed; null for a binary file. */
  deletions: number | null;
}

/** One commit of the range, oldest first. */
export interface DiffCommit {
  commit: string;
  subject: string;
}

/** The whole of {@linkcode diffRange}. */
export interface RangeDiff {
  files: DiffFile[];
  commits: DiffCommit[];
  totals: { files: number; insertions: number; deletions: number };
}

/** Options that keep a worker's configuration out of the diff (no drivers, no textconv). */
export const SAFE_DIFF_ARGS = ["--no-ext-diff", "--no-textconv", "--no-color"] as const;

const _STATUS: Record<string, string> = {
  A: "added",
  M: "modified",
  D: "deleted",
  R: "renamed",
  C: "copied",
  T: "type_changed",
};

/** Files, commits and totals of `from..to` in `repo`. */
export function diffRange(repo: string, from: string, to: string): RangeDiff {
  const range = [from, to, "--"];
  const names = runGit(
    ["diff", ...SAFE_DIFF_ARGS, "-M", "--name-status", "-z", ...range],
    { cwd: repo },
  ).stdout;
  const counts = runGit(["diff", ...SAFE_DIFF_ARGS, "-M", "--numstat", "-z", ...range], {
    cwd: repo,
  }).stdout;
  const files = parseNameStatus(names);
  const byPath = parseNumstat(counts);
  for (const f of files) {
    const c = byPath.get(f.path);
    if (c) {
      f.insertions = c.insertions;
      f.deletions = c.deletions;
    }
  }
  const log = runGit(["log", "--reverse", "-z", "--format=%H%x1f%s", `${from}..${to}`], {
    cwd: repo,
  }).stdout;
  const commits = log.split("\0").filter((l) => l !== "").map((l) => {
    const [commit, subject] = l.split("\x1f");
    return { commit: commit!.trim(), subject: subject ?? "" };
  });
  return {
    files,
    commits,
    totals: {
      files: files.length,
      insertions: files.reduce((n, f) => n + (f.insertions ?? 0), 0),
      deletions: files.reduce((n, f) => n + (f.deletions ?? 0), 0),
    },
  };
}

/** `git diff --stat` and (unless `statOnly`) the patch of `from..to`, as text. */
export function diffText(repo: string, from: string, to: string, statOnly: boolean): string {
  const args = ["diff", ...SAFE_DIFF_ARGS, "-M", "--stat", ...(statOnly ? [] : ["-p"])];
  return runGit([...args, from, to, "--"], { cwd: repo }).stdout;
}

/** Parses `git diff --name-status -z`. */
export function parseNameStatus(text: string): DiffFile[] {
  const fields = text.split("\0");
  const files: DiffFile[] = [];
  for (let i = 0; i < fields.length; i++) {
    const code = fields[i]!;
    if (code === "") continue;
    const kind = code[0]!;
    if (kind === "R" || kind === "C") {
      const oldPath = fields[++i] ?? "";
      const path = fields[++i] ?? "";
      files.push({ path, old_path: oldPath, status: _STATUS[kind]!, insertions: 0, deletions: 0 });
    } else {
      const path = fields[++i] ?? "";
      files.push({
        path,
        old_path: null,
        status: _STATUS[kind] ?? "modified",
        insertions: 0,
        deletions: 0,
      });
    }
  }
  return files;
}

/** Parses `git diff --numstat -z` into counts by (new) path; binary files count null. */
export function parseNumstat(
  text: string,
): Map<string, { insertions: number | null; deletions: number | null }> {
  const out = new Map<string, { insertions: number | null; deletions: number | null }>();
  const fields = text.split("\0");
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    if (f === "") continue;
    const [a, d, path] = f.split("\t");
    const counts = {
      insertions: a === "-" ? null : Number(a),
      deletions: d === "-" ? null : Number(d),
    };
    if (path === "" || path === undefined) {
      // A rename: the old and new paths follow as their own fields.
      i++;
      const newPath = fields[++i] ?? "";
      out.set(newPath, counts);
    } else {
      out.set(path, counts);
    }
  }
  return out;
}
