import { errorEnvelope, okEnvelope } from "../protocol/envelope.ts";
import { type AppError, toAppError } from "../protocol/errors.ts";
import type { CliContext } from "./context.ts";

/** What a command produces: the JSON entities, and the text a person reads. */
export interface Reply {
  json: Record<string, unknown>;
  /**
   * Entities already serialised as JSON text, printed after `json`'s (key -> JSON text, or
   * a JSON array given as its elements' texts, written out piece by piece).
   */
  rawJson?: Record<string, string | readonly string[]>;
  /** The text, or a function that makes it (called only without --json: a table costs time). */
  text: string | (() => string);
}

/**
 * Prints an error in the envelope (--json, stdout) or as text (stderr) and sets the exit status.
 * The wording of flags (error_wording.ts) loads only here, on the error path.
 */
export async function printError(ctx: CliContext, raw: AppError): Promise<void> {
  const { wordError } = await import("./error_wording.ts");
  const err = wordError(raw, ctx.program);
  if (ctx.global.json) {
    ctx.process.stdout.write(JSON.stringify(errorEnvelope(err)) + "\n");
  } else {
    ctx.process.stderr.write(`${ctx.program}: error[${err.code}]: ${err.message}\n`);
  }
  ctx.exitCode = err.exitCode;
}

/** Prints a success reply in the requested form. */
export async function printReply(ctx: CliContext, reply: Reply): Promise<void> {
  if (ctx.global.json) {
    if (reply.rawJson) {
      const { writeEnvelopeWithRaw } = await import("./write_raw_json.ts");
      writeEnvelopeWithRaw(ctx.process.stdout, reply.json, reply.rawJson);
    } else ctx.process.stdout.write(JSON.stringify(okEnvelope(reply.json)) + "\n");
  } else {
    const text = typeof reply.text === "function" ? reply.text() : reply.text;
    if (text) ctx.process.stdout.write(text.endsWith("\n") ? text : text + "\n");
  }
}

/**
 * Runs a command body: prints its reply, or maps whatever it threw to the
 * error envelope and exit status. No stack trace ever reaches the user.
 */
export async function respond(ctx: CliContext, body: () => Reply | Promise<Reply>): Promise<void> {
  try {
    await printReply(ctx, await body());
  } catch (err) {
    await printError(ctx, toAppError(err));
  }
}
