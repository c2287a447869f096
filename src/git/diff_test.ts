import assert from "node:assert/strict";
import { join } from "node:path";
import { makeTempRepo } from "./_testing.ts";
import { diffRange, parseNameStatus, parseNumstat } from "./diff.ts";

Deno.test("parseNameStatus: plain, renamed and odd paths", () => {
  const files = parseNameStatus("M\0a.txt\0R087\0old name.txt\0new\tname.txt\0A\0dir/b\0");
  assert.deepEqual(files.map((f) => [f.status, f.old_path, f.path]), [
    ["modified", null, "a.txt"],
    ["renamed", "old name.txt", "new\tname.txt"],
    ["added", null, "dir/b"],
  ]);
});

Deno.test("parseNumstat: counts by new path, binary as null", () => {
  const m = parseNumstat("3\t1\ta.txt\0-\t-\tbin.png\x002\t0\t\0old\0new\0");
  assert.deepEqual(m.get("a.txt"), { insertions: 3, deletions: 1 });
  assert.deepEqual(m.get("bin.png"), { insertions: null, deletions: null });
  assert.deepEqual(m.get("new"), { insertions: 2, deletions: 0 });
  assert.equal(m.has("old"), false);
});

Deno.test("diffRange: files, counts, commits oldest first", () => {
  using r = makeTempRepo();
  const base = r.git("rev-parse", "HEAD");
  r.write("a.txt", "one\ntwo\n");
  r.git("add", "a.txt");
  r.git("commit", "-q", "-m", "add a");
  r.write("README.md", "changed\n");
  Deno.removeSync(join(r.repo, "a.txt"));
  r.write("c.txt", "one\ntwo\n");
  r.git("add", "-A");
  r.git("commit", "-q", "-m", "rename a to c; edit readme");
  const d = diffRange(r.repo, base, "HEAD");
  assert.deepEqual(d.commits.map((c) => c.subject), ["add a", "rename a to c; edit readme"]);
  assert.deepEqual(
    d.files.map((f) => [f.path, f.status, f.insertions, f.deletions]).sort(),
    [["README.md", "modified", 1, 1], ["c.txt", "added", 2, 0]],
  );
  assert.deepEqual(d.totals, { files: 2, insertions: 3, deletions: 1 });
});
