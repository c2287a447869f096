/**
 * An MCP client (the SDK's own Client over StdioClientTransport) talking to
 * `inbox mcp` or `orch mcp` spawned with the programs' permission flags.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { cliCommand, type Program } from "../scripts/permissions.ts";

export type Json = Record<string, unknown>;

export interface McpSession extends AsyncDisposable {
  client: Client;
  /** Calls a tool; its JSON text parsed, and whether it is an error result. */
  call(name: string, args?: Json): Promise<{ isError: boolean; json: Json }>;
  /** Calls a tool that must succeed. */
  ok(name: string, args?: Json): Promise<Json>;
  /** Calls a tool that must fail with `code`; the error object. */
  fails(name: string, args: Json, code: string): Promise<Json>;
}

export async function mcpSession(
  program: Program,
  db: string,
  extra: string[] = [],
  cwd?: string,
  env: Record<string, string> = {},
): Promise<McpSession> {
  const client = new Client({ name: "coord-test", version: "1" });
  await client.connect(
    new StdioClientTransport({
      command: Deno.execPath(),
      args: [...cliCommand(program), "--db", db, "mcp", ...extra],
      env: { NO_COLOR: "1", PATH: Deno.env.get("PATH") ?? "", ...env },
      stderr: "inherit",
      ...(cwd ? { cwd } : {}),
    }),
  );
  const call = async (name: string, args: Json = {}) => {
    const r = await client.callTool({ name, arguments: args }, undefined, { timeout: 120_000 });
    const content = r.content as { type: string; text: string }[];
    return { isError: r.isError === true, json: JSON.parse(content[0]!.text) as Json };
  };
  return {
    client,
    call,
    async ok(name, args) {
      const r = await call(name, args);
      if (r.isError) throw new Error(`${name} failed: ${JSON.stringify(r.json)}`);
      return r.json;
    },
    async fails(name, args, code) {
      const r = await call(name, args);
      if (!r.isError || r.json["code"] !== code) {
        throw new Error(`${name}: expected error ${code}, got ${JSON.stringify(r)}`);
      }
      return r.json;
    },
    async [Symbol.asyncDispose]() {
      await client.close();
    },
  };
}
