/**
 * Test helpers that look at a store directly, from the test process (never
 * through the code under test): a SQLite file through node:sqlite, or (the
 * postgres leg of the backend matrix) a PostgreSQL database through its
 * client. Statements are written with `?` placeholders and the SQL both
 * backends speak.
 */
import { DatabaseSync } from "node:sqlite";
import { createHash } from "node:crypto";
import { toPgPlaceholders } from "../src/storage/postgres/placeholders.ts";
import { isPostgresUrl } from "../src/storage/postgres/url.ts";

/** Whether `db` names a PostgreSQL store rather than a SQLite file. */
export const isPgUrl: (db: string) => boolean = isPostgresUrl;

/** Runs `fn` on a fresh connection to the SQLite file `path`, closed afterwards. */
export function withSqlite<T>(path: string, fn: (db: DatabaseSync) => T): T {
  if (isPgUrl(path)) {
    throw new Error(`withSqlite() on a PostgreSQL store (${path.replace(/:[^:@/]*@/, ":***@")})`);
  }
  const db = new DatabaseSync(path, { timeout: 5000 });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

type Row = Record<string, unknown>;

/** Runs `statements` on PostgreSQL store `url` (one connection), returning each one's rows. */
async function _pg(url: string, statements: Array<[string, unknown[]]>): Promise<Row[][]> {
  const { default: postgres } = await import("postgres");
  const sql = postgres(
    url,
    {
      max: 1,
      onnotice: () => {},
      types: { bigint: { to: 20, from: [20, 1700], serialize: String, parse: Number } },
    } as Parameters<typeof postgres>[1],
  );
  try {
    const out: Row[][] = [];
    for (const [text, params] of statements) {
      out.push([...await sql.unsafe(toPgPlaceholders(text), params as never[])] as Row[]);
    }
    return out;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Rows of one query on either backend. */
export async function queryRows(db: string, sql: string, ...params: unknown[]): Promise<Row[]> {
  if (isPgUrl(db)) return (await _pg(db, [[sql, params]]))[0]!;
  return withSqlite(db, (d) => d.prepare(sql).all(...params as (string | number)[]) as Row[]);
}

/** Runs one statement (an update a test makes behind the programs' backs) on either backend. */
export async function execSql(db: string, sql: string, ...params: unknown[]): Promise<void> {
  if (isPgUrl(db)) {
    await _pg(db, [[sql, params]]);
    return;
  }
  withSqlite(db, (d) => d.prepare(sql).run(...params as (string | number)[]));
}

/** `PRAGMA integrity_check` of the file: "ok" when healthy (SQLite files only). */
export function integrityCheck(path: string): string {
  return withSqlite(
    path,
    (db) =>
      db.prepare("PRAGMA integrity_check").all().map((r) => String(Object.values(r)[0])).join("\n"),
  );
}

/** One scalar from a query. */
export async function scalar(
  db: string,
  sql: string,
  ...params: (string | number)[]
): Promise<unknown> {
  const rows = await queryRows(db, sql, ...params);
  return rows[0] ? Object.values(rows[0])[0] : undefined;
}

/** The store's tables (without SQLite's and the search indexes' internal ones). */
async function _tables(db: string): Promise<string[]> {
  if (isPgUrl(db)) {
    const rows = await queryRows(
      db,
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
    );
    return rows.map((r) => String(r["name"]));
  }
  return withSqlite(db, (d) =>
    d.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    ).all().map((r) => String(r["name"])));
}

/** Every row of every table, by table (to look for what must never be stored). */
export async function dumpRows(db: string): Promise<Record<string, Row[]>> {
  const out: Record<string, Row[]> = {};
  for (const name of await _tables(db)) out[name] = await queryRows(db, `SELECT * FROM "${name}"`);
  return out;
}

/** Row count of every table in the store. */
export async function rowCounts(db: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const name of await _tables(db)) {
    out[name] = Number(await scalar(db, `SELECT COUNT(*) AS n FROM "${name}"`));
  }
  return out;
}

/**
 * A dump of the whole store: for each table, its row count and a sha256 of
 * its rows (each row's JSON, sorted), plus the schema version. Two equal
 * dumps mean nothing changed.
 */
export async function dumpDb(
  db: string,
): Promise<Record<string, { rows: number; sha256: string }>> {
  const out: Record<string, { rows: number; sha256: string }> = {};
  const tables = isPgUrl(db)
    ? await _tables(db)
    : withSqlite(db, (d) =>
      d.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all()
        .map((r) =>
          String(r["name"])
        ));
  for (const name of tables) {
    const rows = await queryRows(db, `SELECT * FROM "${name}"`);
    const lines = rows.map((r) =>
      JSON.stringify(r, (_k, v) => v instanceof Uint8Array ? Array.from(v) : v)
    ).sort();
    const hash = createHash("sha256");
    for (const l of lines) hash.update(l + "\n");
    out[name] = { rows: rows.length, sha256: hash.digest("hex") };
  }
  const version = isPgUrl(db)
    ? Number(await scalar(db, "SELECT COALESCE(MAX(id), 0) FROM schema_migrations"))
    : Number(withSqlite(db, (d) => d.prepare("PRAGMA user_version").get()?.["user_version"] ?? 0));
  out["#user_version"] = { rows: version, sha256: "" };
  return out;
}

/** `db` as an AsyncDisposable (`await using`), closed at the end of the scope. */
export function closing<T extends { close(): Promise<void> }>(db: T): T & AsyncDisposable {
  return Object.assign(db, { [Symbol.asyncDispose]: () => db.close() });
}
