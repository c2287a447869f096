import assert from "node:assert/strict";
import { posix } from "node:path";
import { dirname, isAbsolute, join, normalize, relative, resolve, sep } from "./path.ts";

/** Every path of up to four segments from a small alphabet, with none, one or two leading "/". */
function _paths(): string[] {
  const alphabet = ["", "a", "b", ".", "..", "c.d"];
  const out = new Set<string>();
  const grow = (prefix: string[], depth: number) => {
    for (const lead of ["", "/", "//"]) out.add(lead + prefix.join("/"));
    if (depth === 4) return;
    for (const s of alphabet) grow([...prefix, s], depth + 1);
  };
  grow([], 0);
  return [...out];
}

const PATHS = _paths();
/** A sample of pairs (every pair would be ~10^7): each path against a few others. */
const PAIRS = PATHS.flatMap((p, i) =>
  [1, 7, 31, 97].map((k) => [p, PATHS[(i * k + k) % PATHS.length]!] as const)
);

Deno.test("path: normalize, dirname and isAbsolute agree with node:path's posix rules", () => {
  assert.ok(PATHS.length > 1000);
  assert.equal(sep, "/");
  for (const p of PATHS) {
    assert.equal(normalize(p), posix.normalize(p), `normalize(${JSON.stringify(p)})`);
    assert.equal(dirname(p), posix.dirname(p), `dirname(${JSON.stringify(p)})`);
    assert.equal(isAbsolute(p), posix.isAbsolute(p), `isAbsolute(${JSON.stringify(p)})`);
    assert.equal(resolve(p), posix.resolve(p), `resolve(${JSON.stringify(p)})`);
  }
});

Deno.test("path: join, resolve and relative agree with node:path's posix rules", () => {
  assert.equal(join(), posix.join());
  assert.equal(resolve(), posix.resolve());
  for (const [a, b] of PAIRS) {
    const args = JSON.stringify([a, b]);
    assert.equal(join(a, b), posix.join(a, b), `join${args}`);
    assert.equal(join(a, b, a), posix.join(a, b, a), `join${args}+a`);
    assert.equal(resolve(a, b), posix.resolve(a, b), `resolve${args}`);
    assert.equal(resolve("/x/y", a, b), posix.resolve("/x/y", a, b), `resolve(/x/y, ...)${args}`);
    assert.equal(relative(a, b), posix.relative(a, b), `relative${args}`);
    assert.equal(
      relative(`/r/${a}`, `/r/${b}`),
      posix.relative(`/r/${a}`, `/r/${b}`),
      `relative /r${args}`,
    );
  }
});
