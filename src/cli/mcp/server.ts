/**
 * The stdio MCP server both programs share (`inbox mcp`, `orch mcp`), on
 * the official MCP TypeScript SDK. Only the `mcp` commands load this module
 * (and with it the SDK). Every tool call runs a real CLI command in-process
 * (runCli with captured streams and the server's open database), so tools
 * have exactly the CLI's behaviour, validation and error codes.
 */
import process from "node:process";
import type { LazyApp } from "../lazy_app.ts";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import {
  CallToolRequestSchema,
  type CallToolResult,
  ListToolsRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { errorEnvelope } from "../../protocol/envelope.ts";
import { AppError, toAppError } from "../../protocol/errors.ts";
import { VERSION } from "../../version.ts";
import type { CliContext, Out } from "../context.ts";
import { presentedToken } from "../access.ts";
import { runCli } from "../run_cli.ts";
import {
  checkArgs,
  type Envelope,
  inputSchema,
  type RunCommand,
  toArgv,
  type ToolSpec,
  withToken,
} from "./tools.ts";

export interface McpServerOptions {
  name: "inbox" | "orch";
  tools: readonly ToolSpec[];
  /** Values for arguments a call leaves out (`inbox mcp --agent A`). */
  defaults: Record<string, unknown>;
}

function _collector(): Out & { text(): string } {
  const parts: string[] = [];
  const decoder = new TextDecoder();
  return {
    write: (t: string) => void parts.push(t),
    writeBytes: (b: Uint8Array) => void parts.push(decoder.decode(b)),
    text: () => parts.join(""),
  };
}

/** Runs `program argv --json` in-process on `ctx`'s database; its JSON envelope. */
async function _runner(ctx: CliContext): Promise<RunCommand> {
  const db = await ctx.openDb();
  return async (program, argv) => {
    const app: LazyApp<CliContext> = program === "inbox"
      ? (await import("../inbox/app.ts")).inboxApp
      : (await import("../orch/app.ts")).orchApp;
    const stdout = _collector();
    const stderr = _collector();
    await runCli(app, program, ["--json", ...argv], {
      stdout,
      stderr,
      db,
      readStdin: () => {
        throw new AppError(
          "USAGE",
          "Standard input carries the MCP protocol: pass the text itself",
        );
      },
    });
    try {
      return JSON.parse(stdout.text()) as Envelope;
    } catch {
      return errorEnvelope(
        new AppError("INTERNAL", `${program} ${argv[0]} printed no JSON`, {
          stderr: stderr.text().slice(0, 1000),
        }),
      ) as unknown as Envelope;
    }
  };
}

/** The part of a tools/call request the handler reads. */
interface _CallRequest {
  params: { name: string; arguments?: Record<string, unknown> | undefined };
}

function _result(env: Envelope): CallToolResult {
  const { ok, ...rest } = env;
  return ok
    ? { content: [{ type: "text", text: JSON.stringify(rest) }] }
    : { isError: true, content: [{ type: "text", text: JSON.stringify(rest["error"]) }] };
}

/** Serves the tools over stdio until the client closes stdin. */
export async function serveMcp(ctx: CliContext, options: McpServerOptions): Promise<void> {
  const run = await _runner(ctx);
  const tools = options.tools.map(withToken);
  const byName = new Map(tools.map((t) => [t.name, t]));
  // The server's own token (`--token` or the program's variable) serves every call that brings
  // none, for either program: an orch server's inbox tools run with the leader token too.
  const serverToken = presentedToken(ctx);
  const defaults = {
    ...options.defaults,
    ...(serverToken !== undefined ? { token: serverToken } : {}),
  };
  const server = new Server(
    { name: options.name, version: VERSION },
    { capabilities: { tools: {} } },
  );
  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: tools.map((t) => ({
      name: t.name,
      description: t.description,
      inputSchema: inputSchema(t, defaults) as { type: "object" },
    })),
  }));
  server.setRequestHandler(CallToolRequestSchema, async (request: _CallRequest) => {
    const { name, arguments: args } = request.params;
    try {
      const tool = byName.get(name);
      if (!tool) {
        throw new AppError("USAGE", `No tool "${name}": see tools/list`, { tool: name });
      }
      const checked = checkArgs(tool, args, defaults);
      const env = tool.run
        ? await tool.run(checked, run)
        : await run(tool.command[0], [...tool.command.slice(1), ...toArgv(tool, checked)]);
      return _result(env);
    } catch (err) {
      return _result(errorEnvelope(toAppError(err)) as unknown as Envelope);
    }
  });
  const closed = new Promise<void>((resolve) => {
    server.onclose = () => resolve();
  });
  await server.connect(new StdioServerTransport());
  process.stdin.once("end", () => void server.close());
  await closed;
}
