/**
 * The stores write SQL once with SQLite's positional `?`; PostgreSQL numbers
 * its parameters (`$1`, `$2`, ...). This translation skips string literals
 * (`'...'`, `E'...'`), quoted identifiers (`"..."`), dollar-quoted bodies
 * (`$tag$...$tag$`) and comments, so a `?` inside them is left alone. Pure.
 */

/** Translated statements, by source text: the stores use a small fixed set. */
const _cache = new Map<string, string>();
/** Bound on the cache, should a caller build statements dynamically. */
const _CACHE_LIMIT = 2000;

/**
 * `sql` with each `?` replaced by `$1`, `$2`, ... in order (`?NNN`, SQLite's
 * numbered form, becomes `$NNN`). A parameter tested with `IS [NOT] NULL` is
 * cast to text (`$1::text IS NULL`): PostgreSQL cannot otherwise infer the type
 * of a parameter that appears only there, and the test means the same for any
 * type.
 */
export function toPgPlaceholders(sql: string): string {
  const hit = _cache.get(sql);
  if (hit !== undefined) return hit;
  const out = _translate(sql);
  if (_cache.size >= _CACHE_LIMIT) _cache.clear();
  _cache.set(sql, out);
  return out;
}

function _translate(sql: string): string {
  let out = "";
  let n = 0;
  let i = 0;
  const len = sql.length;
  while (i < len) {
    const c = sql[i]!;
    if (c === "'") {
      // E'...' strings take backslash escapes; plain ones only ''.
      const prev = i > 0 ? sql[i - 1]! : "";
      const escapes = (prev === "E" || prev === "e") && !/[A-Za-z0-9_]/.test(sql[i - 2] ?? "");
      const end = _endOfQuoted(sql, i, "'", escapes);
      out += sql.slice(i, end);
      i = end;
    } else if (c === '"') {
      const end = _endOfQuoted(sql, i, '"', false);
      out += sql.slice(i, end);
      i = end;
    } else if (c === "-" && sql[i + 1] === "-") {
      const nl = sql.indexOf("\n", i);
      const end = nl < 0 ? len : nl;
      out += sql.slice(i, end);
      i = end;
    } else if (c === "/" && sql[i + 1] === "*") {
      const close = sql.indexOf("*/", i + 2);
      const end = close < 0 ? len : close + 2;
      out += sql.slice(i, end);
      i = end;
    } else if (c === "$" && !/[A-Za-z0-9_]/.test(sql[i - 1] ?? "")) {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i));
      if (tag) {
        const close = sql.indexOf(tag[0], i + tag[0].length);
        const end = close < 0 ? len : close + tag[0].length;
        out += sql.slice(i, end);
        i = end;
      } else {
        out += c;
        i++;
      }
    } else if (c === "?") {
      const digits = /^\d+/.exec(sql.slice(i + 1));
      let param: string;
      if (digits) {
        param = "$" + digits[0];
        n = Math.max(n, Number(digits[0]));
        i += 1 + digits[0].length;
      } else {
        n++;
        param = "$" + n;
        i++;
      }
      if (/^\s+IS\s+(NOT\s+)?NULL\b/i.test(sql.slice(i))) param += "::text";
      out += param;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Index just past the quoted run that opens at `start` (doubled quotes stay inside). */
function _endOfQuoted(sql: string, start: number, quote: string, backslash: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    const c = sql[i]!;
    if (backslash && c === "\\") {
      i += 2;
    } else if (c === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else {
      i++;
    }
  }
  return sql.length;
}
