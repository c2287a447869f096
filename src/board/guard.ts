/**
 * The board's request guard: it serves one person on this machine, so every
 * request must come to the loopback name it was started on (DNS rebinding:
 * a foreign `Host` is refused) and carry the per-start token (in the URL
 * once, then an HttpOnly SameSite=Strict cookie). State changes are POST
 * only and need a same-origin `Origin` (or `Sec-Fetch-Site: same-origin`).
 * No CORS headers are ever sent.
 */

/** Bytes of randomness in a board token. */
export const TOKEN_BYTES = 24;

/** A fresh random token (hex). */
export function newToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(TOKEN_BYTES));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The cookie carrying the token; named by port, since browsers share cookies across ports. */
export function cookieName(port: number): string {
  return `orch_board_${port}`;
}

/** `Host` values the board answers to. */
export function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

/** Compares two strings in time independent of where they differ. */
export function sameToken(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

function _cookie(header: string | null, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export type GuardVerdict =
  | { kind: "ok" }
  /** Token given in the URL of a GET: set the cookie and redirect to `location` (token removed). */
  | { kind: "adopt"; location: string; cookie: string }
  | { kind: "refuse"; status: number; code: string; message: string };

/** Decides whether `req` may be served. */
export function guard(req: Request, port: number, token: string): GuardVerdict {
  const host = req.headers.get("host") ?? "";
  if (!allowedHosts(port).includes(host)) {
    return {
      kind: "refuse",
      status: 403,
      code: "FORBIDDEN_HOST",
      message: `Host "${host}" is not this board: open ${allowedHosts(port)[0]}`,
    };
  }
  const url = new URL(req.url);
  const fromUrl = url.searchParams.get("token");
  const fromCookie = _cookie(req.headers.get("cookie"), cookieName(port));
  const fromHeader = req.headers.get("x-board-token") ?? undefined;
  const valid = [fromUrl, fromCookie, fromHeader].some((t) =>
    typeof t === "string" && sameToken(t, token)
  );
  if (!valid) {
    return {
      kind: "refuse",
      status: 401,
      code: "TOKEN_REQUIRED",
      message: "Missing or wrong board token: open the URL orch board printed",
    };
  }
  if (req.method === "POST") {
    const origin = req.headers.get("origin");
    const sameOrigin = origin !== null
      ? allowedHosts(port).some((h) => origin === `http://${h}`)
      : req.headers.get("sec-fetch-site") === "same-origin";
    if (!sameOrigin) {
      return {
        kind: "refuse",
        status: 403,
        code: "CROSS_ORIGIN",
        message: `Cross-origin request refused (Origin "${origin ?? ""}")`,
      };
    }
    return { kind: "ok" };
  }
  if (req.method !== "GET" && req.method !== "HEAD") {
    return {
      kind: "refuse",
      status: 405,
      code: "METHOD_NOT_ALLOWED",
      message: `Method "${req.method}" is not allowed`,
    };
  }
  if (fromUrl !== null && sameToken(fromUrl, token)) {
    url.searchParams.delete("token");
    return {
      kind: "adopt",
      location: url.pathname + (url.search || ""),
      cookie: `${cookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`,
    };
  }
  return { kind: "ok" };
}

/** Headers on every board response: no caching, no framing, no referrer to other sites (same-origin keeps the Origin header that POSTs are checked by), a strict CSP. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
  "x-frame-options": "DENY",
  "cache-control": "no-store",
};
