import assert from "node:assert/strict";
import { redactText, redactUrl, urlPasswords } from "./redact.ts";

Deno.test("redactUrl removes the userinfo password and keeps the rest", () => {
  assert.deepEqual(
    redactUrl("postgres://coord:s3cret@db.example:5433/coord?sslmode=require"),
    "postgres://coord@db.example:5433/coord?sslmode=require",
  );
  assert.deepEqual(redactUrl("postgresql://u:p@h/d"), "postgresql://u@h/d");
  assert.deepEqual(redactUrl("postgres://u@h/d"), "postgres://u@h/d");
  assert.deepEqual(redactUrl("postgres://h:5432/d"), "postgres://h:5432/d");
});

Deno.test("redactUrl handles an '@' or ':' inside the password", () => {
  assert.deepEqual(redactUrl("postgres://u:p@ss:w@rd@h:1/d"), "postgres://u@h:1/d");
  assert.deepEqual(redactUrl("postgres://u:p%40ss@h/d"), "postgres://u@h/d");
});

Deno.test("redactUrl removes password= query parameters wherever they are", () => {
  assert.deepEqual(redactUrl("postgres://u@h/d?password=x"), "postgres://u@h/d");
  assert.deepEqual(
    redactUrl("postgres://u@h/d?password=x&sslmode=require"),
    "postgres://u@h/d?sslmode=require",
  );
  assert.deepEqual(
    redactUrl("postgres://u@h/d?sslmode=require&PASSWORD=x"),
    "postgres://u@h/d?sslmode=require",
  );
  assert.deepEqual(
    redactUrl("postgres://u:a@h/d?application_name=z&password=b&x=1"),
    "postgres://u@h/d?application_name=z&x=1",
  );
});

Deno.test("redactUrl leaves other text alone and never throws on a malformed URL", () => {
  assert.deepEqual(redactUrl("/tmp/coord.db"), "/tmp/coord.db");
  assert.deepEqual(redactUrl("postgres://u:secret@"), "postgres://u@");
  assert.deepEqual(redactUrl("not a url password=zz"), "not a url password=zz");
});

Deno.test("urlPasswords lists raw and decoded passwords, longest first", () => {
  assert.deepEqual(urlPasswords("postgres://u:p%40ss@h/d"), ["p%40ss", "p@ss"]);
  assert.deepEqual(urlPasswords("postgres://u@h/d?password=q"), ["q"]);
  assert.deepEqual(urlPasswords("postgres://u@h/d"), []);
});

Deno.test("redactText scrubs the URL and its password from a driver message", () => {
  const url = "postgres://u:hunter2@h:5/d";
  assert.deepEqual(
    redactText(`cannot reach ${url}: password hunter2 rejected`, url),
    "cannot reach postgres://u@h:5/d: password *** rejected",
  );
});
