import assert from "node:assert/strict";
import { commandWord, type RouteLike } from "./argv.ts";
import { inboxApp } from "./inbox/app.ts";
import { orchApp } from "./orch/app.ts";
import type { LazyApp } from "./lazy_app.ts";
import type { CliContext } from "./context.ts";

/** The top-level routes of the application a command line gets. */
function entriesFor(app: LazyApp<CliContext>, argv: string[]) {
  return (app.forCommand(commandWord(argv)).root as RouteLike).getAllEntries?.() ?? [];
}

function routesFor(app: LazyApp<CliContext>, argv: string[]): string[] {
  return entriesFor(app, argv).map((e) => e.name["original"]!);
}

Deno.test("commandWord() passes over the global flags to the command's name", () => {
  assert.equal(commandWord(["fetch", "--agent", "w"]), "fetch");
  assert.equal(commandWord(["--db", "x.db", "--json", "fetch", "--agent", "w"]), "fetch");
  assert.equal(commandWord(["--db=x.db", "--token", "t", "council", "start"]), "council");
  assert.equal(commandWord(["--token=t", "wait-reply"]), "wait-reply");
  // A value that looks like a command name is the global flag's, not the command.
  assert.equal(commandWord(["--db", "fetch", "list"]), "list");
});

Deno.test("commandWord() names no command for help, the version, a leading flag or an empty line", () => {
  for (
    const argv of [
      [],
      ["--json"],
      ["--help"],
      ["fetch", "--help"],
      ["council", "start", "-h"],
      ["--help-all"],
      ["fetch", "-H"],
      ["--version"],
      ["-v"],
      ["--agent", "w", "fetch"],
    ]
  ) {
    assert.equal(commandWord(argv), undefined, argv.join(" "));
  }
  // After a bare `--` nothing is a flag of ours: the command is still named.
  assert.equal(commandWord(["search", "--", "--help"]), "search");
});

Deno.test("a command line builds only the route it names; help and unknown names build every route", () => {
  assert.deepEqual(routesFor(inboxApp, ["--db", "x.db", "fetch", "--agent", "w"]), ["fetch"]);
  assert.deepEqual(routesFor(inboxApp, ["artifact", "get", "--artifact", "1"]), ["artifact"]);
  assert.deepEqual(routesFor(orchApp, ["--json", "council", "start"]), ["council"]);
  const allInbox = routesFor(inboxApp, ["--help"]);
  assert.ok(allInbox.length > 10 && allInbox.includes("wait-reply"), allInbox.join(" "));
  assert.deepEqual(routesFor(inboxApp, ["fetc", "--agent", "w"]), allInbox);
  assert.deepEqual(routesFor(inboxApp, []), allInbox);
  assert.deepEqual(routesFor(inboxApp, ["fetch", "--help"]), allInbox);
});

Deno.test("a route built alone is the same object the whole application holds", () => {
  const target = (app: LazyApp<CliContext>, argv: string[], name: string) =>
    entriesFor(app, argv).find((e) => e.name["original"] === name)?.target;
  const alone = target(orchApp, ["status"], "status");
  assert.ok(alone);
  assert.equal(target(orchApp, ["--help"], "status"), alone);
  // Each application is built once: an MCP server runs a command line per tool call.
  assert.equal(orchApp.forCommand("status"), orchApp.forCommand("status"));
  assert.equal(orchApp.forCommand(undefined), orchApp.full());
});
