/**
 * PostgreSQL for the tests: `TEST_PG_URL` is the admin URL of a throwaway
 * server (scripts/pg_server.sh start DIR prints one; .ci/run exports it).
 * Each test makes its own database on it and drops it afterwards, so tests
 * run in parallel without seeing each other. Without `TEST_PG_URL` the
 * PostgreSQL tests are skipped (see {@linkcode PG_SKIP}).
 */

/** The admin URL of the test server, or undefined when none is configured. */
export const TEST_PG_URL: string | undefined = Deno.env.get("TEST_PG_URL") || undefined;

/** Passed as a test's `ignore`: true when there is no test server. */
export const PG_SKIP = TEST_PG_URL === undefined;

let _warned = false;
/** Says once, in the test output, why the PostgreSQL tests are skipped. */
export function explainPgSkip(): void {
  if (!PG_SKIP || _warned) return;
  _warned = true;
  console.log(
    "postgres tests skipped: TEST_PG_URL is not set (start a server with scripts/pg_server.sh start DIR)",
  );
}

function _admin(): string {
  if (!TEST_PG_URL) throw new Error("TEST_PG_URL is not set");
  return TEST_PG_URL;
}

/** The test server's URL with another database name. */
export function pgUrlFor(database: string, base: string = _admin()): string {
  const url = new URL(base);
  url.pathname = "/" + database;
  return url.toString();
}

async function _adminSql(statement: string): Promise<void> {
  const { default: postgres } = await import("postgres");
  const sql = postgres(_admin(), { max: 1, onnotice: () => {}, fetch_types: false });
  try {
    await sql.unsafe(statement);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** The name of the database a URL points at. */
export function pgDatabaseOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}

/** Creates an empty database `t_<random>` on the test server and returns its URL (with the password). */
export async function freshPgUrl(): Promise<string> {
  const name = "t_" + crypto.randomUUID().replaceAll("-", "").slice(0, 16);
  await _adminSql(
    `CREATE DATABASE "${name}" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`,
  );
  return pgUrlFor(name);
}

/** Drops a database made by {@linkcode freshPgUrl}, disconnecting whoever is still connected. */
export async function dropPgUrl(url: string): Promise<void> {
  const name = pgDatabaseOf(url);
  if (!/^t_[0-9a-f]+$/.test(name)) {
    throw new Error(`refusing to drop "${name}": not a test database`);
  }
  await _adminSql(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}

/** Runs `fn` with a fresh database's URL, dropping the database afterwards. */
export async function withPgDatabase<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const url = await freshPgUrl();
  try {
    return await fn(url);
  } finally {
    await dropPgUrl(url);
  }
}
