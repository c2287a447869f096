/**
 * The read-only refs analysis attempts read their integrated view from
 * (`refs/orch-views/...`, see names.ts): listing and compare-and-swap
 * deletion, for `cleanup`.
 *
 * @module
 */

import { runGit } from "./run_git.ts";

/** Every view ref of `repo`, full ref name -> commit. */
export function listViewRefs(repo: string): Map<string, string> {
  const out = runGit(
    ["for-each-ref", "--format=%(objectname) %(refname)", "refs/orch-views/"],
    { cwd: repo },
  ).stdout;
  const refs = new Map<string, string>();
  for (const line of out.split("\n")) {
    const space = line.indexOf(" ");
    if (space > 0) refs.set(line.slice(space + 1), line.slice(0, space));
  }
  return refs;
}

/** Deletes `ref` only if it still points at `commit`; false, deleting nothing, otherwise. */
export function deleteRefAt(repo: string, ref: string, commit: string): boolean {
  return runGit(["update-ref", "-d", ref, commit], { cwd: repo, allowCodes: [1, 128] }).code === 0;
}
