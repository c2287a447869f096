/**
 * Bounds on the JSON objects the programs accept (`--payload-json`,
 * `--acceptance-json`, run metadata). SQLite's JSON functions refuse text
 * nested deeper than 1000 levels, and the views build their JSON in SQLite,
 * so one deep payload used to break `orch --json status` for a whole run.
 */

/** Deepest nesting accepted in a JSON input (`{"a":{}}` is 2 deep). */
export const MAX_JSON_DEPTH = 64;

/** Largest JSON input accepted, in UTF-8 bytes of its text. */
export const MAX_JSON_BYTES = 1024 * 1024;

/**
 * How deeply `value` nests arrays and objects: 0 for a scalar, 1 for `{}` or
 * `[]`. Iterative, so a hostile value cannot overflow the stack; stops
 * counting once `stopAbove` is passed.
 */
export function jsonDepth(value: unknown, stopAbove = Number.MAX_SAFE_INTEGER): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    const depth = d + 1;
    if (depth > max) max = depth;
    if (max > stopAbove) return max;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (child !== null && typeof child === "object") stack.push([child, depth]);
    }
  }
  return max;
}
