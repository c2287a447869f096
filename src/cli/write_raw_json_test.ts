import assert from "node:assert/strict";
import { RAW_JSON_CHUNK_CHARS, writeEnvelopeWithRaw } from "./write_raw_json.ts";
import type { Out } from "./context.ts";

function capture(): { out: Out; writes: string[] } {
  const writes: string[] = [];
  return {
    writes,
    out: {
      write: (t) => void writes.push(t),
      writeBytes: (b) => void writes.push(new TextDecoder().decode(b)),
    },
  };
}

Deno.test("writeEnvelopeWithRaw: the envelope, then raw text and arrays of raw elements", () => {
  const { out, writes } = capture();
  writeEnvelopeWithRaw(out, { run: { id: "R" } }, {
    tasks: ['{"id":"A"}', '{"id":"B"}'],
    empty: [],
    one: "[1]",
  });
  const text = writes.join("");
  assert.ok(text.endsWith("}\n"));
  assert.deepEqual(JSON.parse(text), {
    ok: true,
    run: { id: "R" },
    tasks: [{ id: "A" }, { id: "B" }],
    empty: [],
    one: [1],
  });
});

Deno.test("writeEnvelopeWithRaw: a large array goes out in pieces and reads back whole", () => {
  const { out, writes } = capture();
  const item = JSON.stringify({ body: "x".repeat(1000) });
  const items = Array.from({ length: 1000 }, (_, i) => item.replace("{", `{"n":${i},`));
  writeEnvelopeWithRaw(out, {}, { tasks: items });
  assert.ok(writes.length > 2, `written in ${writes.length} pieces`);
  assert.ok(writes.every((w) => w.length < RAW_JSON_CHUNK_CHARS + item.length + 20));
  const parsed = JSON.parse(writes.join("")) as { ok: boolean; tasks: Array<{ n: number }> };
  assert.equal(parsed.ok, true);
  assert.deepEqual(parsed.tasks.map((t) => t.n), items.map((_, i) => i));
});
