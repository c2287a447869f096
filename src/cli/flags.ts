import { secondsParser, textParser } from "./parsers.ts";

/** Flag specs both programs share (stricli `parsed` flags). */

export const bodyFlag = {
  kind: "parsed",
  parse: String,
  brief: "Message text",
  optional: true,
} as const;

export const bodyFileFlag = {
  kind: "parsed",
  parse: textParser,
  brief: "Read the message text from a file (- for stdin)",
  optional: true,
} as const;

export const payloadJsonFlag = {
  kind: "parsed",
  parse: String,
  brief: "Structured payload, a JSON object",
  optional: true,
} as const;

export const payloadFileFlag = {
  kind: "parsed",
  parse: textParser,
  brief:
    "Read the payload, a JSON object, from a file (- for stdin); for one too long for a command line",
  optional: true,
} as const;

export const timeoutSecondsFlag = {
  kind: "parsed",
  parse: secondsParser,
  brief: "Give up after this many seconds (default 60)",
  optional: true,
} as const;

/** `init`'s strict-mode flag (both programs have `init`). */
export const requireTokensFlag = {
  kind: "boolean",
  brief: "Strict mode: every write needs a capability token (prints the leader token once)",
  optional: true,
} as const;
