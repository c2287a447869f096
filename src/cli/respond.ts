import { errorEnvelope, okEnvelope, okEnvelopeText } from "../protocol/envelope.ts";
import { type AppError, toAppError } from "../protocol/errors.ts";
import type { CliContext } from "./context.ts";
import { wordError } from "./error_wording.ts";

/** What a command produces: the JSON entities, and the text a person reads. */
export interface Reply {
  json: Record<string, unknown>;
  /** Entities already serialised as JSON text, printed after `json`'s (key -> JSON). */
  rawJson?: Record<string, string>;
  text: string;
}

/** Prints an error in the envelope (--json, stdout) or as text (stderr) and sets the exit status. */
export function printError(ctx: CliContext, raw: AppError): void {
  const err = wordError(raw, ctx.program);
  if (ctx.global.json) {
    ctx.process.stdout.write(JSON.stringify(errorEnvelope(err)) + "\n");
  } else {
    ctx.process.stderr.write(`${ctx.program}: error[${err.code}]: ${err.message}\n`);
  }
  ctx.exitCode = err.exitCode;
}

/** Prints a success reply in the requested form. */
export function printReply(ctx: CliContext, reply: Reply): void {
  if (ctx.global.json) {
    ctx.process.stdout.write(
      (reply.rawJson
        ? okEnvelopeText(reply.json, reply.rawJson)
        : JSON.stringify(okEnvelope(reply.json))) + "\n",
    );
  } else if (reply.text) {
    ctx.process.stdout.write(reply.text.endsWith("\n") ? reply.text : reply.text + "\n");
  }
}

/**
 * Runs a command body: prints its reply, or maps whatever it threw to the
 * error envelope and exit status. No stack trace ever reaches the user.
 */
export async function respond(ctx: CliContext, body: () => Reply | Promise<Reply>): Promise<void> {
  try {
    printReply(ctx, await body());
  } catch (err) {
    printError(ctx, toAppError(err));
  }
}
