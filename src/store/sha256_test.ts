import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { sha256Hex } from "./sha256.ts";

Deno.test("sha256Hex(): matches the FIPS 180-4 test vectors", () => {
  const enc = new TextEncoder();
  assert.equal(
    sha256Hex(new Uint8Array()),
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  );
  assert.equal(
    sha256Hex(enc.encode("abc")),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
  assert.equal(
    sha256Hex(enc.encode("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
  );
});

Deno.test("sha256Hex(): agrees with node:crypto on every length around the block edges", () => {
  const bytes = new Uint8Array(300).map((_, i) => (i * 31 + 7) & 0xff);
  for (let n = 0; n <= 300; n++) {
    const part = bytes.subarray(0, n);
    assert.equal(sha256Hex(part), createHash("sha256").update(part).digest("hex"), `length ${n}`);
  }
});
