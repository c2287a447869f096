/**
 * A dependent attempt's starting point: its base merged, in core, with each
 * dependency's commit in order. Nothing is checked out and no ref moves, so a
 * conflict leaves nothing behind.
 *
 * @module
 */

import { AppError } from "../protocol/errors.ts";
import { mergeCommits, type Tip, treesOf } from "./merge.ts";

/** A commit to stack, named for messages. */
export interface StackItem {
  task_id: string;
  head_commit: string;
}

/**
 * Merges each item's commit onto `base` in order and returns the resulting
 * commit: `base` itself when every item is already contained, an item's
 * commit when it already holds everything before it (a fast-forward), else a
 * merge commit made in core. Throws
 * `MERGE_CONFLICT` with the conflicting paths and the task whose commit
 * conflicted.
 */
export function stackCommits(
  repo: string,
  base: string,
  items: readonly StackItem[],
  label: string,
): string {
  const [baseTree, ...itemTrees] = treesOf(repo, [base, ...items.map((i) => i.head_commit)]);
  let head: Tip = { commit: base, tree: baseTree! };
  const merged: string[] = [];
  for (const [i, item] of items.entries()) {
    // A dependency that holds everything before it is fast-forwarded to, not merged.
    const r = mergeCommits(
      repo,
      head,
      { commit: item.head_commit, tree: itemTrees[i]! },
      `Start ${label} from dependency ${item.task_id}`,
    );
    if (r.kind === "conflict") {
      throw new AppError(
        "MERGE_CONFLICT",
        `The work of dependency "${item.task_id}" conflicts with ${
          merged.length ? `that of ${merged.map((m) => `"${m}"`).join(", ")} on ` : ""
        }the base in ${r.paths.map((p) => `"${p}"`).join(", ")}: nothing was dispatched`,
        { task_id: item.task_id, merged_before: merged, paths: r.paths },
      );
    }
    head = { commit: r.commit, tree: r.tree };
    merged.push(item.task_id);
  }
  return head.commit;
}
