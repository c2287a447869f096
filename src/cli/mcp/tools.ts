/**
 * MCP tools as thin descriptions of CLI commands: each tool names the
 * command it runs and its parameters; a call becomes that command's argv
 * (`--flag=value`, so no value is ever read as a flag) and runs in-process
 * through the same stricli application, implementations and store code as
 * the CLI. Nothing here loads the MCP SDK: see server.ts.
 */
import { AppError } from "../../protocol/errors.ts";

export type ParamType = "string" | "integer" | "boolean" | "strings" | "object";

export interface ParamSpec {
  type: ParamType;
  required?: boolean;
  /** Allowed values of a string. */
  enum?: readonly string[];
  description?: string;
  /** The CLI flag (default: `--` + the name in kebab-case). */
  flag?: string;
  /** `strings` only: pass the list as one comma-separated flag value instead of repeating the flag. */
  joined?: boolean;
  /** Passed as the command's positional argument (after `--`), not as a flag. */
  positional?: boolean;
  /** Used when the call leaves the argument out (shown to the host in the schema). */
  default?: string | number | boolean;
  /** Not filled from the server's defaults (`inbox mcp --agent`), e.g. a search filter. */
  noServerDefault?: boolean;
}

/** What a tool call may run: a command line of one of the two programs, giving its JSON output. */
export type RunCommand = (
  program: "inbox" | "orch",
  argv: string[],
) => Promise<Envelope>;

/** A command's `--json` output: `{ok: true, ...}` or `{ok: false, error}`. */
export type Envelope = Record<string, unknown> & { ok: boolean };

export interface ToolSpec {
  name: string;
  description: string;
  /** The program and command path the tool runs (e.g. `["orch", "task", "add"]`). */
  command: readonly ["inbox" | "orch", ...string[]];
  params: Record<string, ParamSpec>;
  /** Instead of running `command` once: a composition of commands (`ask`). */
  run?: (args: Record<string, unknown>, run: RunCommand) => Promise<Envelope>;
}

/** Every tool's optional capability token (strict mode), passed as the global `--token`. */
export const TOKEN_PARAM: ParamSpec = { type: "string", description: "Capability token" };

/** The tool with the `token` argument every tool takes. */
export function withToken(tool: ToolSpec): ToolSpec {
  return { ...tool, params: { ...tool.params, token: TOKEN_PARAM } };
}

/** A JSON Schema for a tool's arguments, as terse as the host allows. */
export function inputSchema(
  tool: ToolSpec,
  defaults: Record<string, unknown> = {},
): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  for (const [name, p] of Object.entries(tool.params)) {
    const s: Record<string, unknown> = p.type === "strings"
      ? { type: "array", items: { type: "string" } }
      : { type: p.type };
    if (p.enum) s["enum"] = p.enum;
    if (p.default !== undefined) s["default"] = p.default;
    if (p.description) s["description"] = p.description;
    properties[name] = s;
    if (p.required && (p.noServerDefault || defaults[name] === undefined)) required.push(name);
  }
  return {
    type: "object",
    properties,
    ...(required.length ? { required } : {}),
    additionalProperties: false,
  };
}

function _kebab(name: string): string {
  return "--" + name.replaceAll("_", "-");
}

function _typeOk(p: ParamSpec, v: unknown): boolean {
  switch (p.type) {
    case "string":
      return typeof v === "string";
    case "integer":
      return typeof v === "number" && Number.isSafeInteger(v);
    case "boolean":
      return typeof v === "boolean";
    case "strings":
      return Array.isArray(v) && v.every((x) => typeof x === "string");
    case "object":
      return v !== null && typeof v === "object" && !Array.isArray(v);
  }
}

const _TYPE_WORDS: Record<ParamType, string> = {
  string: "a string",
  integer: "a whole number",
  boolean: "true or false",
  strings: "an array of strings",
  object: "a JSON object",
};

/**
 * Checks a call's arguments against the tool's parameters (unknown,
 * missing or mistyped ones are USAGE, as on the command line) and fills
 * server defaults. Ranges, enums and formats are left to the CLI parsers.
 */
export function checkArgs(
  tool: ToolSpec,
  args: Record<string, unknown> | undefined,
  defaults: Record<string, unknown> = {},
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(args ?? {})) {
    const p = tool.params[name];
    if (!p) {
      throw new AppError(
        "USAGE",
        `Tool "${tool.name}" has no argument "${name}": it takes ${
          Object.keys(tool.params).join(", ")
        }`,
        { tool: tool.name, argument: name },
      );
    }
    if (v === undefined || v === null) continue;
    if (!_typeOk(p, v)) {
      throw new AppError(
        "USAGE",
        `Argument "${name}" of tool "${tool.name}" must be ${_TYPE_WORDS[p.type]}`,
        { tool: tool.name, argument: name },
      );
    }
    out[name] = v;
  }
  for (const [name, p] of Object.entries(tool.params)) {
    if (out[name] === undefined && !p.noServerDefault) out[name] = defaults[name];
    if (out[name] === undefined) out[name] = p.default;
    if (p.required && out[name] === undefined) {
      throw new AppError("USAGE", `Tool "${tool.name}" needs the argument "${name}"`, {
        tool: tool.name,
        argument: name,
      });
    }
  }
  return out;
}

/** The command-line arguments (after the command path) for checked arguments. */
export function toArgv(tool: ToolSpec, args: Record<string, unknown>): string[] {
  const argv: string[] = [];
  const positional: string[] = [];
  for (const [name, v] of Object.entries(args)) {
    const p = tool.params[name];
    if (!p || v === undefined) continue;
    if (p.positional) {
      positional.push(String(v));
      continue;
    }
    const flag = p.flag ?? _kebab(name);
    if (p.type === "boolean") {
      if (v === true) argv.push(flag);
    } else if (p.type === "strings") {
      const list = v as string[];
      if (p.joined) argv.push(`${flag}=${list.join(",")}`);
      else for (const x of list) argv.push(`${flag}=${x}`);
    } else if (p.type === "object") {
      argv.push(`${flag}=${JSON.stringify(v)}`);
    } else {
      argv.push(`${flag}=${String(v)}`);
    }
  }
  return positional.length ? [...argv, "--", ...positional] : argv;
}
