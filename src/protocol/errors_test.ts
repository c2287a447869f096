import assert from "node:assert/strict";
import { AppError, osStorageFailure, toAppError } from "./errors.ts";
import { thrown } from "./_thrown.ts";

/** An OS error as Deno gives it: the errno name in `code`. */
function _os(code: string): Error {
  return Object.assign(new Error(`failed (${code})`), { code });
}

Deno.test("osStorageFailure(): a full disk, a read-only file system and an I/O error, by errno name", () => {
  // Deno names the errno in `code` (a real one here; a full disk gives "ENOSPC" so, see
  // tests/storage_errors_test.ts for the real full disk).
  const missing = thrown(() => Deno.readFileSync("/nonexistent/file"));
  assert.equal((missing as { code?: string }).code, "ENOENT");
  assert.equal(osStorageFailure(missing), undefined);
  assert.equal(osStorageFailure(_os("ENOSPC")), "disk_full");
  assert.equal(osStorageFailure(_os("EDQUOT")), "disk_full");
  assert.equal(osStorageFailure(_os("EROFS")), "read_only");
  assert.equal(osStorageFailure(_os("EIO")), "io_error");
  assert.equal(osStorageFailure(_os("toString")), undefined);
  assert.equal(osStorageFailure(new Error("No space left on device (os error 28)")), undefined);
  assert.equal(osStorageFailure("ENOSPC"), undefined);
});

Deno.test("toAppError(): an OS storage failure is STORAGE_ERROR with its reason; the rest INTERNAL", () => {
  const full = toAppError(
    Object.assign(new Error("No space left on device (os error 28): write 'x'"), {
      code: "ENOSPC",
    }),
  );
  assert.equal(full.code, "STORAGE_ERROR");
  assert.equal(full.exitCode, 6);
  assert.deepEqual(full.details, { reason: "disk_full" });
  assert.match(full.message, /^The disk is full: free some space and retry \(No space left/);
  const ro = toAppError(_os("EROFS"));
  assert.deepEqual([ro.code, ro.details], ["STORAGE_ERROR", { reason: "read_only" }]);
  const denied = toAppError(new Deno.errors.PermissionDenied("no"));
  assert.equal(denied.code, "STORAGE_ERROR");
  // SQLite's words are the SQLite backend's to read (src/storage/sqlite/sqlite_failure.ts).
  assert.equal(toAppError(new Error("database or disk is full")).code, "INTERNAL");
  const app = new AppError("USAGE", "x");
  assert.equal(toAppError(app), app);
});
