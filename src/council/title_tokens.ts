/**
 * Title normalisation for grouping council recommendations.
 *
 * @module
 */

/**
 * Words dropped from titles before comparing them: articles, prepositions,
 * conjunctions, pronouns, modal verbs and politeness fillers. Words that
 * change meaning ("not", "no", "without", "more", "less", "add", "remove")
 * are deliberately kept.
 */
export const TITLE_STOPWORDS: ReadonlySet<string> = new Set([
  "a",
  "also",
  "an",
  "and",
  "are",
  "as",
  "at",
  "be",
  "been",
  "being",
  "by",
  "can",
  "consider",
  "could",
  "for",
  "from",
  "in",
  "into",
  "is",
  "it",
  "its",
  "may",
  "might",
  "must",
  "of",
  "on",
  "onto",
  "or",
  "our",
  "per",
  "please",
  "should",
  "so",
  "that",
  "the",
  "these",
  "this",
  "those",
  "to",
  "us",
  "via",
  "was",
  "we",
  "were",
  "will",
  "with",
  "would",
  "you",
  "your",
]);

/**
 * The comparable tokens of a recommendation title, in first-seen order and
 * without duplicates:
 *
 * 1. Unicode NFKD, combining marks removed (`café` -> `cafe`), lowercased;
 *    apostrophes removed (`don't` -> `dont`).
 * 2. Split on every run of characters that are not letters or digits, so
 *    punctuation and symbols never count.
 * 3. {@linkcode TITLE_STOPWORDS} dropped (unless that would leave nothing).
 * 4. Simple plurals folded: `-ies` -> `-y` (words over 4 letters), otherwise
 *    a final `s` is dropped from words over 3 letters not ending in `ss`,
 *    `us` or `is` (`tests` -> `test`, `class`, `status`, `analysis` kept).
 *
 * A title made only of punctuation yields its trimmed, lowercased self as
 * the single token; an empty title yields no tokens.
 */
export function titleTokens(title: string): string[] {
  const folded = title
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/['\u2018\u2019`]/g, "");
  const words = folded.split(/[^\p{L}\p{N}]+/u).filter((word) => word !== "");
  const kept = words.filter((word) => !TITLE_STOPWORDS.has(word));
  const chosen = (kept.length > 0 ? kept : words).map(_singular);
  if (chosen.length === 0) {
    const trimmed = folded.trim();
    return trimmed === "" ? [] : [trimmed];
  }
  return [...new Set(chosen)];
}

function _singular(word: string): string {
  if (word.length > 4 && word.endsWith("ies")) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith("s") && !/(?:ss|us|is)$/.test(word)) {
    return word.slice(0, -1);
  }
  return word;
}
