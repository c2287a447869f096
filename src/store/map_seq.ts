/**
 * `items.map(fn)` for an async `fn`, one item at a time, in order: store
 * operations inside one transaction must not interleave (the order of
 * inserts decides ids), which `Promise.all` would allow.
 */
export async function mapSeq<T, U>(
  items: Iterable<T>,
  fn: (item: T, index: number) => Promise<U>,
): Promise<U[]> {
  const out: U[] = [];
  let i = 0;
  for (const item of items) out.push(await fn(item, i++));
  return out;
}
