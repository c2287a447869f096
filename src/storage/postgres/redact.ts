/**
 * PostgreSQL connection URLs carry passwords: `postgres://user:secret@host/db`
 * or `...?password=secret`. Nothing the programs print (labels, errors,
 * details) may contain one. Pure functions, no I/O.
 */

/** `password=...` in a query string (any case), up to the next `&` or `#`. */
const _QUERY_PASSWORD = /([?&])password=[^&#]*&?/gi;

/**
 * The URL with every password removed: the `:secret` of the userinfo and any
 * `password=` query parameter. Works on text that is not a valid URL too
 * (string surgery, no parsing), so a malformed URL is still safe to print.
 */
export function redactUrl(url: string): string {
  let out = url;
  const scheme = out.indexOf("://");
  if (scheme >= 0) {
    const start = scheme + 3;
    const rest = out.slice(start);
    // The authority ends at the first '/', '?' or '#'; its userinfo at the LAST '@' in it.
    const end = rest.search(/[/?#]/);
    const authority = end < 0 ? rest : rest.slice(0, end);
    const at = authority.lastIndexOf("@");
    if (at >= 0) {
      const userinfo = authority.slice(0, at);
      const colon = userinfo.indexOf(":");
      const user = colon < 0 ? userinfo : userinfo.slice(0, colon);
      out = out.slice(0, start) + user + authority.slice(at) + rest.slice(authority.length);
    }
  }
  out = out.replace(_QUERY_PASSWORD, (_m, sep: string) => sep);
  return out.replace(/[?&]$/, "");
}

/** The passwords a URL carries, raw and percent-decoded, longest first (to scrub other text). */
export function urlPasswords(url: string): string[] {
  const found = new Set<string>();
  const scheme = url.indexOf("://");
  if (scheme >= 0) {
    const rest = url.slice(scheme + 3);
    const end = rest.search(/[/?#]/);
    const authority = end < 0 ? rest : rest.slice(0, end);
    const at = authority.lastIndexOf("@");
    const colon = at < 0 ? -1 : authority.slice(0, at).indexOf(":");
    if (colon >= 0) found.add(authority.slice(colon + 1, at));
  }
  for (const m of url.matchAll(/[?&]password=([^&#]*)/gi)) found.add(m[1] ?? "");
  for (const raw of [...found]) {
    try {
      found.add(decodeURIComponent(raw.replace(/\+/g, " ")));
      found.add(decodeURIComponent(raw));
    } catch {
      // Not valid percent-encoding: the raw form is scrubbed.
    }
  }
  found.delete("");
  return [...found].sort((a, b) => b.length - a.length);
}

/**
 * `text` with every password of `url` replaced by `***` and the URL itself
 * replaced by its redacted form: for messages that come from a driver or the
 * server, which might quote what they were given.
 */
export function redactText(text: string, url: string): string {
  let out = url ? text.split(url).join(redactUrl(url)) : text;
  for (const secret of urlPasswords(url)) out = out.split(secret).join("***");
  return out;
}
