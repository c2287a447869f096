/**
 * PostgreSQL migrations against a real server (TEST_PG_URL; skipped without
 * one): the rules of SQLite's opener, and the same schema as SQLite's.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { AppError } from "../../protocol/errors.ts";
import { dropPgUrl, explainPgSkip, PG_SKIP, withPgDatabase } from "../../../tests/_pg.ts";
import { pgSchemaVersion } from "./migrate.ts";
import { PG_LATEST_SCHEMA_VERSION, PG_MIGRATIONS } from "./migrations.ts";
import { openPostgres } from "./open_postgres.ts";

explainPgSkip();

/** SQLite's migrations, read from schema/NNN_*.sql (the files the SQLite backend embeds). */
const MIGRATIONS = [...Deno.readDirSync(new URL("../../../schema/", import.meta.url))]
  .filter((e) => e.isFile && /^\d{3}_.*\.sql$/.test(e.name))
  .map((e) => ({
    id: Number(e.name.slice(0, 3)),
    name: e.name.replace(/\.sql$/, ""),
    sql: Deno.readTextFileSync(new URL(`../../../schema/${e.name}`, import.meta.url)),
  }))
  .sort((a, b) => a.id - b.id);

/** Runs `fn`, then drops the database `url` names (made during `fn`). */
async function withPgCleanup(url: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } finally {
    await dropPgUrl(url);
  }
}

function pgTest(name: string, fn: (url: string) => Promise<void>): void {
  Deno.test({ name, ignore: PG_SKIP, fn: () => withPgDatabase(fn) });
}

Deno.test("Every SQLite migration has a PostgreSQL counterpart with the same id and name", () => {
  assert.deepEqual(
    PG_MIGRATIONS.map((m) => [m.id, m.name]),
    MIGRATIONS.map((m) => [m.id, m.name]),
  );
});

pgTest("init creates the whole schema once; a second open applies nothing", async (url) => {
  const db = await openPostgres(url, { init: true });
  try {
    assert.equal(await pgSchemaVersion(db), PG_LATEST_SCHEMA_VERSION);
    const applied = await db.all<{ id: number; name: string }>(
      "SELECT id, name FROM schema_migrations ORDER BY id",
    );
    assert.deepEqual(applied, PG_MIGRATIONS.map((m) => ({ id: m.id, name: m.name })));
    const identity = await db.get<{ id: string }>("SELECT id FROM database_identity");
    assert.match(identity?.id ?? "", /^[0-9a-f]{8}$/);
  } finally {
    await db.close();
  }
  const again = await openPostgres(url);
  try {
    assert.equal(
      (await again.get<{ c: number }>("SELECT count(*) AS c FROM schema_migrations"))?.c,
      PG_MIGRATIONS.length,
    );
  } finally {
    await again.close();
  }
});

pgTest(
  "An empty database is DB_NOT_INITIALIZED without init; init then works",
  async (url) => {
    await assert.rejects(
      openPostgres(url),
      (err: unknown) =>
        err instanceof AppError && err.code === "DB_NOT_INITIALIZED" && err.exitCode === 6 &&
        !err.message.includes(decodeURIComponent(new URL(url).password)),
    );
    const db = await openPostgres(url, { init: true });
    await db.close();
  },
);

pgTest("Concurrent openers apply each migration exactly once", async (url) => {
  const openers = 6;
  const dbs = await Promise.all(
    Array.from({ length: openers }, () => openPostgres(url, { init: true })),
  );
  try {
    const ids = await dbs[0]!.all<{ id: number }>("SELECT id FROM schema_migrations ORDER BY id");
    assert.deepEqual(ids.map((r) => r.id), PG_MIGRATIONS.map((m) => m.id));
    assert.equal(
      (await dbs[0]!.get<{ c: number }>("SELECT count(*) AS c FROM database_identity"))?.c,
      1,
    );
  } finally {
    await Promise.all(dbs.map((db) => db.close()));
  }
});

pgTest("A database with a newer schema is refused with SCHEMA_TOO_NEW", async (url) => {
  const db = await openPostgres(url, { init: true });
  try {
    await db.run("UPDATE schema_version SET version = ?", PG_LATEST_SCHEMA_VERSION + 1);
  } finally {
    await db.close();
  }
  await assert.rejects(
    openPostgres(url),
    (err: unknown) =>
      err instanceof AppError && err.code === "SCHEMA_TOO_NEW" &&
      err.details["db_version"] === PG_LATEST_SCHEMA_VERSION + 1,
  );
});

pgTest("An older schema is upgraded on open, from where it stopped", async (url) => {
  const db = await openPostgres(url, { init: true });
  try {
    // Back to version 3: drop what 4-8 made, as a database made by an older program.
    await db.write(async (tx) => {
      for (const t of ["deps", "attempts", "messages"]) {
        await tx.run(`DROP TRIGGER ${t}_status_insert ON ${t}`);
        await tx.run(`DROP FUNCTION ${t}_status_sync`);
      }
      await tx.run("DROP FUNCTION task_depends_on_json");
      await tx.run("ALTER TABLE tasks DROP COLUMN depends_on_json, DROP COLUMN latest_attempt_id");
      await tx.run("ALTER TABLE threads DROP COLUMN last_message_id");
      await tx.run("DROP TABLE workspace_reservations, database_identity");
      await tx.run("DROP TABLE threads_fts, messages_fts");
      await tx.run("DROP TRIGGER threads_fts_insert ON threads");
      await tx.run("DROP TRIGGER threads_fts_delete ON threads");
      await tx.run("DROP TRIGGER threads_fts_update ON threads");
      await tx.run("DROP TRIGGER messages_fts_insert ON messages");
      await tx.run("DROP TRIGGER messages_fts_delete ON messages");
      await tx.run("DROP TRIGGER messages_fts_update ON messages");
      await tx.run("DROP FUNCTION threads_fts_sync, messages_fts_sync");
      await tx.run("ALTER TABLE tasks DROP COLUMN execution_mode");
      await tx.run("DELETE FROM schema_migrations WHERE id > 3");
      await tx.run("UPDATE schema_version SET version = 3");
      await tx.run(
        `INSERT INTO threads (kind, from_agent, to_agent, subject, status, created_at, updated_at)
         VALUES ('task', 'lead', 'w1', 'Indexed after the upgrade', 'open', 'now', 'now')`,
      );
    });
  } finally {
    await db.close();
  }
  const upgraded = await openPostgres(url);
  try {
    assert.equal(await pgSchemaVersion(upgraded), PG_LATEST_SCHEMA_VERSION);
    const hit = await upgraded.all(
      `SELECT t.subject FROM threads_fts JOIN threads t ON t.id = threads_fts.rowid
       WHERE threads_fts.document @@ websearch_to_tsquery('english', ?)`,
      "upgrades",
    );
    assert.deepEqual(hit, [{ subject: "Indexed after the upgrade" }]);
  } finally {
    await upgraded.close();
  }
});

/** Table name -> sorted column names, from SQLite's own migrations. */
function sqliteColumns(): Map<string, string[]> {
  const raw = new DatabaseSync(":memory:");
  try {
    for (const m of MIGRATIONS) raw.exec(m.sql);
    const tables = raw.prepare(
      `SELECT name FROM sqlite_schema WHERE type = 'table'
         AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%_fts%'`,
    ).all() as { name: string }[];
    return new Map(tables.map(({ name }) => [
      name,
      (raw.prepare(`SELECT name FROM pragma_table_info(?)`).all(name) as { name: string }[])
        .map((c) => c.name).sort(),
    ]));
  } finally {
    raw.close();
  }
}

pgTest(
  "PostgreSQL has the same tables and columns as SQLite (search indexes aside)",
  async (url) => {
    const db = await openPostgres(url, { init: true });
    try {
      const rows = await db.all<{ t: string; c: string }>(
        `SELECT table_name AS t, column_name AS c FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name NOT LIKE '%\\_fts' ESCAPE '\\'
          AND table_name NOT IN ('schema_migrations', 'schema_version')`,
      );
      const pg = new Map<string, string[]>();
      for (const { t, c } of rows) pg.set(t, [...(pg.get(t) ?? []), c]);
      for (const cols of pg.values()) cols.sort();
      assert.deepEqual(
        Object.fromEntries([...pg].sort()),
        Object.fromEntries([...sqliteColumns()].sort()),
      );
    } finally {
      await db.close();
    }
  },
);

pgTest("The search index follows inserts, updates and deletes", async (url) => {
  const db = await openPostgres(url, { init: true });
  try {
    const search = (q: string) =>
      db.all(
        `SELECT m.id FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid
         WHERE messages_fts.document @@ websearch_to_tsquery('english', ?) ORDER BY m.id`,
        q,
      );
    await db.write(async (tx) => {
      await tx.run(
        `INSERT INTO threads (id, kind, from_agent, to_agent, subject, status, created_at, updated_at)
         VALUES (1, 'task', 'lead', 'w1', 's', 'open', 'now', 'now')`,
      );
      await tx.run(
        `INSERT INTO messages (thread_id, from_agent, to_agent, type, body, ts)
         VALUES (1, 'lead', 'w1', 'task', 'The migrations were running', 'now')`,
      );
    });
    assert.deepEqual(await search("migration run"), [{ id: 1 }]);
    await db.run("UPDATE messages SET body = ? WHERE id = 1", "something else");
    assert.deepEqual(await search("migration"), []);
    assert.deepEqual(await search("else"), [{ id: 1 }]);
    await db.run("DELETE FROM messages WHERE id = 1");
    assert.deepEqual(await search("else"), []);
  } finally {
    await db.close();
  }
});

pgTest(
  "init creates a database that does not exist yet; without init it stays missing",
  async (url) => {
    const missing = new URL(url);
    missing.pathname = "/t_" + crypto.randomUUID().replaceAll("-", "").slice(0, 16);
    await assert.rejects(
      openPostgres(missing.toString()),
      (err: unknown) => err instanceof AppError && err.details["reason"] === "database_missing",
    );
    await withPgCleanup(missing.toString(), async () => {
      const [a, b] = await Promise.all([
        openPostgres(missing.toString(), { init: true }),
        openPostgres(missing.toString(), { init: true }),
      ]);
      try {
        assert.equal(await a.schemaVersion(), PG_LATEST_SCHEMA_VERSION);
        assert.equal(await b.schemaVersion(), PG_LATEST_SCHEMA_VERSION);
      } finally {
        await a.close();
        await b.close();
      }
    });
  },
);
