import assert from "node:assert/strict";
import { AppError } from "../../protocol/errors.ts";
import { INBOX_TOOLS } from "./inbox_tools.ts";
import { ORCH_TOOLS } from "./orch_tools.ts";
import { checkArgs, inputSchema, toArgv, type ToolSpec } from "./tools.ts";

const tool: ToolSpec = {
  name: "t",
  description: "d",
  command: ["inbox", "x"],
  params: {
    agent: { type: "string", required: true },
    lease_seconds: { type: "integer" },
    peek: { type: "boolean" },
    artifacts: { type: "strings", flag: "--artifact" },
    for: { type: "strings", joined: true },
    payload: { type: "object", flag: "--payload-json" },
    query: { type: "string", positional: true },
    timeout_seconds: { type: "integer", default: 50 },
  },
};

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof AppError ? err.code : "NOT_APP_ERROR";
  }
  return undefined;
}

Deno.test("toArgv: --flag=value for every value, so none is read as a flag; positionals after --", () => {
  const args = checkArgs(tool, {
    agent: "w1",
    lease_seconds: 60,
    peek: true,
    artifacts: ["a.md", "b.md"],
    for: ["task_done", "task_failed"],
    payload: { k: [1] },
    query: "--json x",
  });
  assert.deepEqual(toArgv(tool, args), [
    "--agent=w1",
    "--lease-seconds=60",
    "--peek",
    "--artifact=a.md",
    "--artifact=b.md",
    "--for=task_done,task_failed",
    '--payload-json={"k":[1]}',
    "--timeout-seconds=50",
    "--",
    "--json x",
  ]);
  assert.deepEqual(toArgv(tool, checkArgs(tool, { agent: "w1", peek: false })), [
    "--agent=w1",
    "--timeout-seconds=50",
  ]);
});

Deno.test("checkArgs: unknown, missing and mistyped arguments are USAGE; server defaults fill in", () => {
  assert.equal(code(() => checkArgs(tool, {})), "USAGE");
  assert.equal(code(() => checkArgs(tool, { agent: "w", nope: 1 })), "USAGE");
  assert.equal(code(() => checkArgs(tool, { agent: 3 })), "USAGE");
  assert.equal(code(() => checkArgs(tool, { agent: "w", lease_seconds: 1.5 })), "USAGE");
  assert.equal(code(() => checkArgs(tool, { agent: "w", payload: [] })), "USAGE");
  assert.equal(code(() => checkArgs(tool, { agent: "w", artifacts: [1] })), "USAGE");
  assert.equal(checkArgs(tool, {}, { agent: "w2" })["agent"], "w2");
  assert.equal(checkArgs(tool, { agent: "w3" }, { agent: "w2" })["agent"], "w3");
  assert.deepEqual(inputSchema(tool)["required"], ["agent"]);
  assert.equal(inputSchema(tool, { agent: "w2" })["required"], undefined);
});

Deno.test("every tool's parameters map to distinct flags and names are unique", () => {
  for (const tools of [INBOX_TOOLS, ORCH_TOOLS]) {
    const names = tools.map((t) => t.name);
    assert.equal(new Set(names).size, names.length);
    for (const t of tools) {
      assert.match(t.name, /^[a-z_]+$/);
      assert.ok(t.description.length > 0 && !t.description.endsWith("."), t.name);
    }
  }
});
