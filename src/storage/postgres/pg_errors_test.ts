import assert from "node:assert/strict";
import { AppError } from "../../protocol/errors.ts";
import { isBusy, pgFailure, pgFailureReason } from "./pg_errors.ts";

const URL_WITH_PASSWORD = "postgres://coord:Sw0rdfish@db.example:5432/coord";

function coded(code: string, message = "failed"): Error {
  return Object.assign(new Error(message), { code });
}

Deno.test("pgFailureReason maps socket codes, SQLSTATEs and permission errors", () => {
  assert.equal(pgFailureReason(coded("ECONNREFUSED")), "connection_refused");
  assert.equal(pgFailureReason(coded("CONNECT_TIMEOUT")), "unreachable");
  assert.equal(pgFailureReason(coded("ENOTFOUND")), "unreachable");
  assert.equal(pgFailureReason(coded("28P01")), "auth_failed");
  assert.equal(pgFailureReason(coded("3D000")), "database_missing");
  assert.equal(pgFailureReason(coded("CONNECTION_CLOSED")), "connection_lost");
  assert.equal(pgFailureReason(coded("53300")), "too_many_connections");
  // The storage failures SQLite reports too, under the same reasons.
  assert.equal(pgFailureReason(coded("53100")), "disk_full");
  assert.equal(pgFailureReason(coded("25006")), "read_only");
  assert.equal(pgFailureReason(coded("58030")), "io_error");
  assert.equal(pgFailureReason(coded("XX001")), "corrupt");
  assert.equal(pgFailureReason(coded("XX002")), "corrupt");
  assert.equal(pgFailureReason(coded("constructor")), undefined, "no inherited property");
  assert.equal(pgFailureReason(new Deno.errors.NotCapable("net")), "permission");
  assert.equal(
    pgFailureReason(coded("23505")),
    undefined,
    "a constraint violation is no storage failure",
  );
});

Deno.test("isBusy: serialization failures, deadlocks and lock timeouts are retried, nothing else", () => {
  assert.ok(isBusy(coded("40001")));
  assert.ok(isBusy(coded("40P01")));
  assert.ok(isBusy(coded("55P03")));
  assert.ok(!isBusy(coded("23505")));
  assert.ok(!isBusy(new Error("x")));
});

Deno.test("pgFailure: STORAGE_ERROR with the redacted URL and the reason, never the password", () => {
  const err = pgFailure(
    coded("ECONNREFUSED", `connect ECONNREFUSED for ${URL_WITH_PASSWORD} (Sw0rdfish)`),
    URL_WITH_PASSWORD,
  );
  assert.ok(err instanceof AppError);
  assert.equal(err.code, "STORAGE_ERROR");
  assert.deepEqual(err.details, {
    db: "postgres://coord@db.example:5432/coord",
    reason: "connection_refused",
  });
  assert.ok(!JSON.stringify([err.message, err.details]).includes("Sw0rdfish"), err.message);
  assert.match(err.message, /^PostgreSQL store "postgres:\/\/coord@db\.example:5432\/coord": /);
});

Deno.test("pgFailure: other errors pass through, scrubbed of the password even when read-only", () => {
  const plain = new Error(`bad statement near ${URL_WITH_PASSWORD}`);
  assert.equal(pgFailure(plain, URL_WITH_PASSWORD), plain);
  assert.ok(!plain.message.includes("Sw0rdfish"));
  assert.ok(!(plain.stack ?? "").includes("Sw0rdfish"));
  const frozen = Object.freeze(new Error("Sw0rdfish"));
  assert.equal(pgFailure(frozen, URL_WITH_PASSWORD), frozen, "never throws while scrubbing");
  const app = new AppError("USAGE", "x");
  assert.equal(pgFailure(app, URL_WITH_PASSWORD), app);
});
