/**
 * `--help --json`, or `--json` with no command, describes the command
 * surface from the stricli route maps (issue 11 item 16).
 */
import assert from "node:assert/strict";
import { cli } from "./_cli.ts";

type Json = Record<string, unknown>;
type Flag = { name: string; type: string } & Json;
type Command = { command: string; flags: Flag[] };

function _flag(commands: Command[], command: string, flag: string): Flag {
  const c = commands.find((x) => x.command === command);
  assert.ok(c, `no command "${command}"`);
  const f = c.flags.find((x) => x.name === flag);
  assert.ok(f, `no flag ${flag} on "${command}"`);
  return f;
}

Deno.test("orch --json describes every command with its flags, types, enums and defaults", async () => {
  const r = await cli("orch", ["--json"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.json.ok, true);
  assert.equal(r.json["program"], "orch");
  const commands = r.json["commands"] as Command[];
  // The same top-level commands as the text help lists (one source: the route map).
  const help = (await cli("orch", ["--help-all"])).stdout;
  const usage = [...help.matchAll(/^ {2}orch ([a-z-]+)/gm)].map((m) => m[1]!);
  const top = [...new Set(commands.map((c) => c.command.split(" ")[1]))];
  assert.deepEqual(top, usage.filter((w) => !w.startsWith("-")));
  assert.ok(commands.some((c) => c.command === "orch council tally"));
  assert.deepEqual(_flag(commands, "orch dispatch", "--execution-mode").values, [
    "analysis",
    "code",
  ]);
  assert.equal(_flag(commands, "orch task add", "--depends-on").type, "id-list");
  assert.equal(_flag(commands, "orch task add", "--run").required, true);
  assert.equal(_flag(commands, "orch status", "--full").type, "boolean");
  const globals = r.json["global_flags"] as Flag[];
  assert.deepEqual(globals.map((f) => f.name), ["--db", "--token", "--json"]);
  // The environment variables orch itself reads, not inbox's.
  assert.deepEqual(globals.map((f) => f["env"]), ["ORCH_DB", "ORCH_TOKEN", undefined]);
  assert.equal(globals[0]!.required, false);
});

Deno.test("inbox fetch --help --json describes that command only, with its bounds and default", async () => {
  const r = await cli("inbox", ["fetch", "--help", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const commands = r.json["commands"] as Command[];
  assert.deepEqual(commands.map((c) => c.command), ["inbox fetch"]);
  const limit = _flag(commands, "inbox fetch", "--limit");
  assert.equal(limit.type, "integer");
  assert.equal(limit["min"], 1);
  assert.equal(limit["max"], 1000);
  assert.equal(limit["default"], "50");
  assert.equal(limit["required"], false);
});

Deno.test("inbox search --help --json lists its positional words, as the text help does", async () => {
  const r = await cli("inbox", ["search", "--help", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const [search] = r.json["commands"] as (Command & { arguments: Json[] })[];
  assert.deepEqual(
    search!.arguments.map((a) => [a["placeholder"], a["required"], a["repeatable"]]),
    [
      ["words", true, true],
    ],
  );
  const text = (await cli("inbox", ["search", "--help"])).stdout;
  assert.match(text, /words/);
  // A command without positional arguments lists none; a boolean flag has no "default" taken
  // from the words of its brief.
  const fetch = await cli("inbox", ["fetch", "--help", "--json"]);
  const [f] = fetch.json["commands"] as (Command & { arguments: Json[] })[];
  assert.deepEqual(f!.arguments, []);
  assert.equal(_flag([f!], "inbox fetch", "--all")["default"], undefined);
  const inboxGlobals = (fetch.json["global_flags"] as Flag[]).map((g) => g["env"]);
  assert.deepEqual(inboxGlobals, ["INBOX_DB", "INBOX_TOKEN", undefined]);
});

Deno.test("a command group with --json describes the group; --version --json is JSON too", async () => {
  const group = await cli("orch", ["--json", "council"]);
  assert.equal(group.code, 0, group.stderr);
  const commands = (group.json["commands"] as Command[]).map((c) => c.command);
  assert.ok(
    commands.length > 3 && commands.every((c) => c.startsWith("orch council ")),
    `${commands}`,
  );
  const version = await cli("inbox", ["--version", "--json"]);
  assert.deepEqual([version.json["program"], typeof version.json["version"]], ["inbox", "string"]);
  // A command of the group still runs as a command.
  const r = await cli("inbox", ["--json", "artifact", "get", "--artifact", "1"]);
  assert.equal(r.json.error?.code, "USAGE", "no --db: the command ran, not the description");
});

Deno.test("--help without --json stays text; an unknown path with --help --json is USAGE", async () => {
  const text = await cli("inbox", ["--help"]);
  assert.equal(text.code, 0);
  assert.ok(!text.stdout.trim().startsWith("{"));
  const unknown = await cli("orch", ["nope", "--help", "--json"]);
  assert.equal(unknown.code, 2);
  assert.equal(unknown.json.error?.code, "USAGE");
});
