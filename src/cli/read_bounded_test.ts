import assert from "node:assert/strict";
import { join } from "node:path";
import { readFileBounded, readStreamBounded } from "./read_bounded.ts";

function _stream(
  chunks: number,
  size: number,
): { stream: ReadableStream<Uint8Array>; pulled: () => number } {
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(c) {
      if (pulled === chunks) return c.close();
      pulled++;
      c.enqueue(new Uint8Array(size).fill(65));
    },
  });
  return { stream, pulled: () => pulled };
}

Deno.test("readStreamBounded() returns every byte up to the limit", async () => {
  const { stream } = _stream(4, 10);
  const r = await readStreamBounded(stream, 40);
  assert.equal(r.tooLarge, false);
  assert.equal(r.tooLarge === false && r.bytes.byteLength, 40);
});

Deno.test("readStreamBounded() stops pulling an endless stream just past the limit", async () => {
  const { stream, pulled } = _stream(Number.MAX_SAFE_INTEGER, 1000);
  const r = await readStreamBounded(stream, 4500);
  assert.deepEqual(r, { tooLarge: true, seen: 5000 });
  assert.ok(pulled() <= 6, `pulled ${pulled()} chunks`);
});

Deno.test("readFileBounded() refuses a regular file over the limit from its size, reads one at it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "f");
    await Deno.writeFile(path, new Uint8Array(100));
    assert.deepEqual(await readFileBounded(path, 99), { tooLarge: true, seen: 100 });
    const r = await readFileBounded(path, 100);
    assert.equal(r.tooLarge === false && r.bytes.byteLength, 100);
    await assert.rejects(() => readFileBounded(dir, 100), Deno.errors.IsADirectory);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readFileBounded() reads /dev/zero only just past the limit", async () => {
  const r = await readFileBounded("/dev/zero", 1 << 20);
  assert.equal(r.tooLarge, true);
  const seen = r.tooLarge ? r.seen : 0;
  assert.ok(seen > 1 << 20 && seen <= 2 << 20, `read ${seen} bytes`);
});
