/** Characters that never need quoting in a POSIX shell word. */
const _SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * `value` as one POSIX shell word: unchanged when it holds only safe
 * characters, else single-quoted (a `'` inside becomes `'\''`), so spaces,
 * quotes, `$`, backticks, globs and newlines reach the program as written.
 */
export function shQuote(value: string): string {
  if (_SAFE.test(value)) return value;
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
