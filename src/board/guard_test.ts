import assert from "node:assert/strict";
import { cookieName, guard, newToken, sameToken } from "./guard.ts";

const PORT = 4567;
const TOKEN = "a".repeat(48);

function req(path: string, init: { method?: string; headers?: Record<string, string> } = {}) {
  return new Request(`http://127.0.0.1:${PORT}${path}`, {
    method: init.method ?? "GET",
    headers: { host: `127.0.0.1:${PORT}`, ...init.headers },
  });
}

Deno.test("guard: no token, a wrong token or a foreign Host is refused", () => {
  assert.equal(guard(req("/"), PORT, TOKEN).kind, "refuse");
  assert.equal(guard(req("/?token=" + "b".repeat(48)), PORT, TOKEN).kind, "refuse");
  const foreign = guard(
    req("/?token=" + TOKEN, { headers: { host: `evil.example:${PORT}` } }),
    PORT,
    TOKEN,
  );
  assert.equal(foreign.kind === "refuse" && foreign.code, "FORBIDDEN_HOST");
  const otherPort = guard(req("/", { headers: { host: `127.0.0.1:1` } }), PORT, TOKEN);
  assert.equal(otherPort.kind, "refuse");
});

Deno.test("guard: the URL token is adopted into an HttpOnly SameSite=Strict cookie, then the cookie works", () => {
  const v = guard(req("/run/R?token=" + TOKEN + "&x=1"), PORT, TOKEN);
  assert.equal(v.kind, "adopt");
  if (v.kind !== "adopt") return;
  assert.equal(v.location, "/run/R?x=1");
  assert.match(v.cookie, /HttpOnly; SameSite=Strict; Path=\//);
  const cookie = `${cookieName(PORT)}=${TOKEN}`;
  assert.equal(guard(req("/run/R", { headers: { cookie } }), PORT, TOKEN).kind, "ok");
  assert.equal(
    guard(req("/", { headers: { host: `localhost:${PORT}`, cookie } }), PORT, TOKEN).kind,
    "ok",
  );
});

Deno.test("guard: POST needs a same-origin Origin; other methods are refused", () => {
  const cookie = `${cookieName(PORT)}=${TOKEN}`;
  const post = (headers: Record<string, string>) =>
    guard(req("/x", { method: "POST", headers: { cookie, ...headers } }), PORT, TOKEN);
  assert.equal(post({ origin: `http://127.0.0.1:${PORT}` }).kind, "ok");
  assert.equal(post({ "sec-fetch-site": "same-origin" }).kind, "ok");
  assert.equal(post({ origin: "http://evil.example" }).kind, "refuse");
  assert.equal(post({}).kind, "refuse");
  assert.equal(
    guard(
      req("/x", { method: "POST", headers: { origin: `http://127.0.0.1:${PORT}` } }),
      PORT,
      TOKEN,
    )
      .kind,
    "refuse",
  );
  assert.equal(
    guard(req("/x", { method: "PUT", headers: { cookie } }), PORT, TOKEN).kind,
    "refuse",
  );
});

Deno.test("newToken: 48 hex characters, different each time; sameToken compares exactly", () => {
  const a = newToken();
  assert.match(a, /^[0-9a-f]{48}$/);
  assert.notEqual(a, newToken());
  assert.ok(sameToken(a, a));
  assert.ok(!sameToken(a, a.slice(0, -1) + (a.endsWith("0") ? "1" : "0")));
  assert.ok(!sameToken(a, a + "0"));
});
