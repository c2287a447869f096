/**
 * Test helpers that look at a database file directly through node:sqlite,
 * from the test process (never through the code under test).
 */
import { DatabaseSync } from "node:sqlite";
import { createHash } from "node:crypto";

/** Runs `fn` on a fresh connection to `path`, closed afterwards. */
export function withSqlite<T>(path: string, fn: (db: DatabaseSync) => T): T {
  const db = new DatabaseSync(path, { timeout: 5000 });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** `PRAGMA integrity_check` of the file: "ok" when healthy. */
export function integrityCheck(path: string): string {
  return withSqlite(
    path,
    (db) =>
      db.prepare("PRAGMA integrity_check").all().map((r) => String(Object.values(r)[0])).join("\n"),
  );
}

/** One scalar from a query. */
export function scalar(path: string, sql: string, ...params: (string | number)[]): unknown {
  return withSqlite(path, (db) => {
    const row = db.prepare(sql).get(...params);
    return row ? Object.values(row)[0] : undefined;
  });
}

/**
 * A dump of the whole database: for each table, its row count and a sha256
 * of every row in rowid order, plus `user_version`. Two equal dumps mean
 * nothing changed.
 */
export function dumpDb(path: string): Record<string, { rows: number; sha256: string }> {
  return withSqlite(path, (db) => {
    const out: Record<string, { rows: number; sha256: string }> = {};
    const tables = db.prepare(
      "SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name",
    ).all();
    for (const t of tables) {
      const name = String(t["name"]);
      const withoutRowid = /WITHOUT ROWID/i.test(String(t["sql"]));
      const rows = db.prepare(
        `SELECT * FROM "${name}"${withoutRowid ? "" : " ORDER BY rowid"}`,
      ).all();
      const hash = createHash("sha256");
      for (const r of rows) {
        hash.update(
          JSON.stringify(r, (_k, v) => v instanceof Uint8Array ? Array.from(v) : v) + "\n",
        );
      }
      out[name] = { rows: rows.length, sha256: hash.digest("hex") };
    }
    const uv = db.prepare("PRAGMA user_version").get();
    out["#user_version"] = { rows: Number(uv?.["user_version"] ?? 0), sha256: "" };
    return out;
  });
}
