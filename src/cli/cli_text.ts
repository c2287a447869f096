import {
  ArgumentScannerError,
  formatMessageForArgumentScannerError,
  text_en,
  UnsatisfiedFlagError,
} from "@stricli/core";

/** Stricli's own error texts, kept plain so they can be wrapped in our envelope. */
export const CLI_TEXT = {
  ...text_en,
  exceptionWhileParsingArguments: (exc: unknown) => {
    if (exc instanceof UnsatisfiedFlagError) {
      return exc.nextFlagName
        ? `Flag --${exc.externalFlagName} needs a value before --${exc.nextFlagName}`
        : `Missing flag --${exc.externalFlagName}: it is required and needs a value`;
    }
    return exc instanceof ArgumentScannerError
      ? formatMessageForArgumentScannerError(exc, {})
      : String((exc as Error)?.message ?? exc);
  },
  noCommandRegisteredForInput: ({ input, corrections }: {
    input: string;
    corrections: readonly string[];
  }) =>
    `Unknown command "${input}"${
      corrections.length ? `: did you mean ${corrections.join(", ")}?` : ""
    }`,
};
