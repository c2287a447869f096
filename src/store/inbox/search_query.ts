import { AppError } from "../../protocol/errors.ts";

/** At most this many words or phrases in one search. */
export const MAX_SEARCH_TERMS = 32;
/** At most this many characters in one search. */
export const MAX_SEARCH_CHARS = 1000;

const _TERM = /"([^"]*)"?|(\S+)/g;
const _HAS_WORD = /[\p{L}\p{N}]/u;

/**
 * Turns what a person typed into an FTS5 query that can never be a syntax
 * error: each bare word and each "quoted phrase" becomes one quoted FTS5
 * phrase, all of which must match; a trailing `*` on a bare word makes it a
 * prefix. FTS5 operators (AND, OR, NEAR, column filters, parentheses) are
 * searched as plain words. Throws INVALID_INPUT when nothing searchable is left.
 */
export function ftsQuery(text: string): string {
  if (text.length > MAX_SEARCH_CHARS) {
    throw new AppError(
      "INVALID_INPUT",
      `The search query is ${text.length} characters long: at most ${MAX_SEARCH_CHARS} are allowed`,
      { length: text.length, max: MAX_SEARCH_CHARS },
    );
  }
  const terms: string[] = [];
  for (const m of text.matchAll(_TERM)) {
    const phrase = m[1];
    let word = m[2];
    let prefix = false;
    if (word !== undefined) {
      prefix = word.endsWith("*");
      word = word.replace(/\*+$/, "");
    }
    const raw = (phrase ?? word ?? "").replaceAll('"', " ").trim();
    if (!_HAS_WORD.test(raw)) continue;
    terms.push(`"${raw}"${prefix ? " *" : ""}`);
  }
  if (terms.length === 0) {
    throw new AppError("INVALID_INPUT", `The search query "${text}" has no words to search for`, {
      query: text,
    });
  }
  if (terms.length > MAX_SEARCH_TERMS) {
    throw new AppError(
      "INVALID_INPUT",
      `The search query has ${terms.length} terms: at most ${MAX_SEARCH_TERMS} are allowed`,
      { terms: terms.length, max: MAX_SEARCH_TERMS },
    );
  }
  return terms.join(" ");
}
