import assert from "node:assert/strict";
import { AppError } from "../protocol/errors.ts";
import { normalizeArgv, type RouteLike } from "./argv.ts";
import { inboxApp } from "./inbox/app.ts";
import { orchApp } from "./orch/app.ts";

const inboxRoot = inboxApp.full().root as RouteLike;
const orchRoot = orchApp.full().root as RouteLike;

Deno.test("normalizeArgv() joins each value to its flag, one that begins with '-' too", () => {
  const { rest } = normalizeArgv(
    ["fail", "--agent", "w", "--thread", "1", "--reason", "-x", "--body", "-s"],
    inboxRoot,
  );
  assert.deepEqual(rest, ["fail", "--agent=w", "--thread=1", "--reason=-x", "--body=-s"]);
});

Deno.test("normalizeArgv() leaves an empty value as its own token (stricli's --name=value needs one)", () => {
  const { rest } = normalizeArgv(["send", "--subject", "", "--kind", "task"], inboxRoot);
  assert.deepEqual(rest, ["send", "--subject", "", "--kind=task"]);
});

Deno.test("normalizeArgv() follows nested routes to the command's flags", () => {
  const { rest, global } = normalizeArgv(
    ["--json", "council", "start", "--run", "c", "--topic", "-t", "--db", "x.db"],
    orchRoot,
  );
  assert.deepEqual(rest, ["council", "start", "--run=c", "--topic=-t"]);
  assert.deepEqual(global, { db: "x.db", json: true });
});

Deno.test("normalizeArgv() leaves a multi-line value beginning with '-' as its own token", () => {
  const { rest } = normalizeArgv(["reply", "--body", "-a\n-b"], inboxRoot);
  assert.deepEqual(rest, ["reply", "--body", "-a\n-b"]);
});

Deno.test("normalizeArgv() refuses a flag as another flag's value, naming the --flag=VALUE form", () => {
  for (
    const [argv, flag] of [
      [["send", "--body", "--db", "other.db"], "body"],
      [["send", "--subject", "--json"], "subject"],
      [["fetch", "--agent", "--peek"], "agent"],
      [["--db", "--json", "list"], "db"],
    ] as const
  ) {
    assert.throws(
      () => normalizeArgv(argv, inboxRoot),
      (e: unknown) =>
        e instanceof AppError && e.code === "USAGE" && e.message.includes(`--${flag}=VALUE`),
    );
  }
});

Deno.test("normalizeArgv() gives a boolean flag as =true and leaves unknown flags and what follows -- alone", () => {
  const { rest } = normalizeArgv(
    ["fetch", "--peek", "--no-peek", "--bogus", "--agent", "w", "--", "-x", "--peek"],
    inboxRoot,
  );
  assert.deepEqual(rest, [
    "fetch",
    "--peek=true",
    "--no-peek",
    "--bogus",
    "--agent=w",
    "--",
    "-x",
    "--peek",
  ]);
});

Deno.test("normalizeArgv() refuses a global flag without a value, spaced or joined, naming what it takes", () => {
  const db = "Flag --db needs a value: the path of the shared database";
  const token = "Flag --token needs a value: the capability token";
  for (
    const [argv, message] of [
      [["list", "--db"], db],
      [["list", "--db", ""], db],
      [["list", "--db="], db],
      [["list", "--token"], token],
      [["list", "--token", ""], token],
      [["list", "--token="], token],
    ] as const
  ) {
    assert.throws(
      () => normalizeArgv(argv, inboxRoot),
      (e) => e instanceof AppError && e.code === "USAGE" && e.message === message,
      argv.join(" "),
    );
  }
  assert.deepEqual(normalizeArgv(["--db=a.db", "--token=t", "list"], inboxRoot), {
    global: { db: "a.db", json: false, token: "t" },
    rest: ["list"],
  });
  assert.deepEqual(normalizeArgv(["--token", "t", "list", "--db", "b.db"], inboxRoot), {
    global: { db: "b.db", json: false, token: "t" },
    rest: ["list"],
  });
});

Deno.test("normalizeArgv() refuses a global value flag given twice, spaced or joined, whatever the values", () => {
  for (
    const argv of [
      ["--db", "a.db", "list", "--db", "b.db"],
      ["--db=a.db", "list", "--db=a.db"],
      ["--token", "t1", "list", "--token=t2"],
    ]
  ) {
    assert.throws(
      () => normalizeArgv(argv, inboxRoot),
      (e) =>
        e instanceof AppError && e.code === "USAGE" && /is given twice/.test(e.message) &&
        e.details["reason"] === "flag_repeated",
      argv.join(" "),
    );
  }
  // --json twice asks for the same thing twice: accepted.
  assert.equal(normalizeArgv(["--json", "list", "--json"], inboxRoot).global.json, true);
});
