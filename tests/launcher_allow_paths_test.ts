/**
 * The skill launchers narrow file access to INBOX_ALLOW_PATHS /
 * ORCH_ALLOW_PATHS when set: a worker can then neither attach nor overwrite
 * files outside them.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ALLOW_PATHS_ENV, narrowedPermissions, PERMISSIONS } from "../scripts/permissions.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const _decoder = new TextDecoder();

async function _launch(
  env: Record<string, string>,
  ...args: string[]
): Promise<
  { code: number; json: Record<string, unknown> & { error?: { code: string; message: string } } }
> {
  const out = await new Deno.Command(join(ROOT, "skills/inbox/assets/inbox"), {
    args,
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = _decoder.decode(out.stdout);
  assert.ok(stdout.trim().startsWith("{"), `no JSON: ${stdout} ${_decoder.decode(out.stderr)}`);
  return { code: out.code, json: JSON.parse(stdout) };
}

Deno.test("narrowedPermissions(): limits reads and writes to the paths, keeps every other flag", () => {
  assert.deepEqual(narrowedPermissions("inbox", "/a,/b"), [
    "--allow-read=/a,/b",
    "--allow-write=/a,/b",
    "--allow-env=INBOX_TOKEN",
  ]);
  assert.deepEqual(narrowedPermissions("orch", "/r"), [
    "--allow-read=/r",
    "--allow-write=/r",
    ...PERMISSIONS.orch.filter((f) => !/^--allow-(read|write)$/.test(f)),
  ]);
  assert.equal(ALLOW_PATHS_ENV.inbox, "INBOX_ALLOW_PATHS");
  // The program's own sources are added to the reads only (modules load on demand).
  assert.deepEqual(narrowedPermissions("inbox", "/a", "/src,/schema").slice(0, 2), [
    "--allow-read=/a,/src,/schema",
    "--allow-write=/a",
  ]);
});

Deno.test("inbox launcher with INBOX_ALLOW_PATHS: files inside are usable, files outside are neither read nor written", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  const outside = await Deno.realPath(await Deno.makeTempDir());
  try {
    const db = join(dir, "c.db");
    const secret = join(outside, "secret.txt");
    await Deno.writeTextFile(secret, "secret");
    const mine = join(dir, "notes.txt");
    await Deno.writeTextFile(mine, "notes");
    const env = { INBOX_ALLOW_PATHS: dir };
    const base = ["--db", db, "--json"];
    assert.equal((await _launch(env, ...base, "init")).code, 0);
    const send = [...base, "send", "--from", "w", "--to", "orch", "--subject", "s", "--body", "b"];
    const leak = await _launch(env, ...send, "--artifact", secret);
    assert.equal(leak.code, 2);
    assert.equal(
      leak.json.error!.message,
      `Cannot read "${secret}" given to --artifact: this program is not allowed to read it`,
    );
    const sent = await _launch(env, ...send, "--artifact", mine);
    assert.equal(sent.code, 0);
    const id = String((sent.json["artifacts"] as Array<{ id: number }>)[0]!.id);
    const write = await _launch(
      env,
      ...base,
      "artifact",
      "get",
      "--artifact",
      id,
      "--out",
      join(outside, "x"),
    );
    assert.equal(write.code, 2);
    await assert.rejects(() => Deno.stat(join(outside, "x")), Deno.errors.NotFound);
    // Without the variable the launcher keeps its full file access.
    assert.equal((await _launch({}, ...send, "--artifact", secret)).code, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(outside, { recursive: true });
  }
});
