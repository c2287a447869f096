/**
 * `inbox mcp` and `orch mcp`: check the database, then serve the tools over
 * stdio. The server module (and the MCP SDK) loads only here.
 */
import { toAppError } from "../../protocol/errors.ts";
import type { CliContext } from "../context.ts";
import { printError } from "../respond.ts";
import type { McpServerOptions } from "./server.ts";

async function _serve(ctx: CliContext, options: () => Promise<McpServerOptions>): Promise<void> {
  try {
    await ctx.openDb(); // a missing or unusable database is a plain CLI error, before any protocol
    const { serveMcp } = await import("./server.ts");
    await serveMcp(ctx, await options());
  } catch (err) {
    await printError(ctx, toAppError(err));
  }
}

export function inboxMcp(this: CliContext, flags: { agent?: string }): Promise<void> {
  return _serve(this, async () => ({
    name: "inbox",
    tools: (await import("./inbox_tools.ts")).INBOX_TOOLS,
    defaults: flags.agent !== undefined ? { agent: flags.agent } : {},
  }));
}

export function orchMcp(this: CliContext): Promise<void> {
  return _serve(this, async () => ({
    name: "orch",
    tools: (await import("./orch_tools.ts")).ORCH_TOOLS,
    defaults: {},
  }));
}
