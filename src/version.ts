/** The version both programs report with `--version`. */
export const VERSION = "0.1.0";
