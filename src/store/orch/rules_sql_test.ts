/**
 * Each domain rule is written once (orch_types.ts lists, orch_rules.ts
 * predicates) and the SQL fragments of rules_sql.ts are generated from it:
 * these tests run both over every status combination on a real database
 * (SQLite; PostgreSQL too when TEST_PG_URL is set) and hold them to the same
 * answers, through the store operations that query with them.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { Db } from "../../storage/db.ts";
import { openSqlite } from "../../storage/sqlite/open_sqlite.ts";
import { PG_SKIP, withPgDatabase } from "../../../tests/_pg.ts";
import { isDependencyDone, isFinal, isLive, isReady, isSettled, isStale } from "../orch_rules.ts";
import { type StoredTaskStatus, TASK_STATUSES } from "../orch_types.ts";
import { OrchStore } from "../orch_store.ts";
import {
  dependencyWaitingSql,
  finalSql,
  liveSql,
  newlyStaleSql,
  notFinalSql,
  readySql,
  shownStatusSql,
  staleSql,
  unsettledSql,
  waitingSql,
} from "./rules_sql.ts";

type Backend = {
  name: string;
  ignore: boolean;
  with: (fn: (db: Db) => Promise<void>) => Promise<void>;
};

const BACKENDS: Backend[] = [
  {
    name: "SQLite",
    ignore: false,
    with: async (fn) => {
      const dir = await Deno.makeTempDir({ prefix: "orch-rules-" });
      const db = await openSqlite(join(dir, "coord.db"), { init: true });
      try {
        await fn(db);
      } finally {
        await db.close();
        await Deno.remove(dir, { recursive: true });
      }
    },
  },
  {
    name: "PostgreSQL",
    ignore: PG_SKIP,
    with: (fn) =>
      withPgDatabase(async (url) => {
        const { openPostgres } = await import("../../storage/postgres/open_postgres.ts");
        const db = await openPostgres(url, { init: true });
        try {
          await fn(db);
        } finally {
          await db.close();
        }
      }),
  },
];

const NOW = "2026-01-01T00:00:10.000Z";
const STALE_AT = ["", "2026-01-01T00:00:05.000Z"];
const LEASES = ["", "2026-01-01T00:00:09.999Z", NOW, "2026-01-01T00:00:10.001Z"];
/** Every stored task status, and `ready` (as shown). */
const STATUSES: readonly string[] = [...TASK_STATUSES, "ready"];

for (const b of BACKENDS) {
  Deno.test({
    name:
      `rules_sql on ${b.name}: each status fragment agrees with its predicate, for every status`,
    ignore: b.ignore,
    fn: () =>
      b.with(async (db) => {
        const cases = STATUSES.flatMap((status) =>
          STALE_AT.flatMap((staleAt) =>
            LEASES.map((lease) => ({
              status,
              staleAt: staleAt || null,
              leaseExpiresAt: lease || null,
            }))
          )
        );
        await db.write(async () => {
          await db.run(
            "CREATE TABLE rule_cases (id INTEGER PRIMARY KEY, status TEXT NOT NULL, stale_at TEXT, lease TEXT)",
          );
          for (const [i, c] of cases.entries()) {
            await db.run(
              "INSERT INTO rule_cases (id, status, stale_at, lease) VALUES (?, ?, ?, ?)",
              i,
              c.status,
              c.staleAt,
              c.leaseExpiresAt,
            );
          }
        });
        const flag = (fragment: string) => `CASE WHEN ${fragment} THEN 1 ELSE 0 END`;
        const cols = { status: "c.status", staleAt: "c.stale_at", leaseExpiresAt: "c.lease" };
        const rows = await db.all(
          `SELECT c.id, ${flag(liveSql("c.status"))} AS live, ${
            flag(finalSql("c.status"))
          } AS final,
             ${flag(notFinalSql("c.status"))} AS not_final,
             ${flag(unsettledSql("c.status"))} AS unsettled,
             ${flag(waitingSql("c.status"))} AS waiting,
             ${flag(dependencyWaitingSql("c.status"))} AS dep_waiting,
             ${flag(staleSql(cols, "?"))} AS stale, ${flag(newlyStaleSql(cols, "?"))} AS newly_stale
           FROM rule_cases c ORDER BY c.id`,
          NOW,
          NOW,
        );
        assert.equal(rows.length, cases.length);
        for (const r of rows) {
          const c = cases[Number(r["id"])]!;
          const what = JSON.stringify(c);
          const stale = isStale(c, NOW);
          assert.deepEqual(
            {
              live: Number(r["live"]),
              final: Number(r["final"]),
              not_final: Number(r["not_final"]),
              unsettled: Number(r["unsettled"]),
              waiting: Number(r["waiting"]),
              dep_waiting: Number(r["dep_waiting"]),
              stale: Number(r["stale"]),
              newly_stale: Number(r["newly_stale"]),
            },
            {
              live: +isLive(c.status),
              final: +isFinal(c.status),
              not_final: +!isFinal(c.status),
              unsettled: +!isSettled(c.status),
              waiting: +(c.status === "pending"),
              dep_waiting: +!isDependencyDone(c.status),
              stale: +stale,
              newly_stale: +(stale && c.staleAt === null),
            },
            what,
          );
        }
        // The rules are not vacuous: each fragment says yes and no somewhere.
        for (const k of ["live", "final", "unsettled", "waiting", "dep_waiting", "stale"]) {
          assert.deepEqual(new Set(rows.map((r) => Number(r[k]))), new Set([0, 1]), k);
        }
      }),
  });

  Deno.test({
    name:
      `rules_sql on ${b.name}: ready, count, status and status JSON agree with isReady() for every status and dependency mix`,
    ignore: b.ignore,
    fn: () =>
      b.with(async (db) => {
        const store = new OrchStore(db);
        await store.createRun({ runId: "R", goal: "rules" });
        const statuses = TASK_STATUSES as readonly StoredTaskStatus[];
        // One dependency per stored status; every task depends on none, one or two of them.
        for (const s of statuses) await store.addTask({ runId: "R", taskId: `D-${s}`, title: s });
        const mixes: string[][] = [[]];
        for (const [i, a] of statuses.entries()) {
          mixes.push([a]);
          for (const c of statuses.slice(i + 1)) mixes.push([a, c]);
        }
        const expected = new Map<string, boolean>();
        const stored = new Map<string, StoredTaskStatus>();
        for (const s of statuses) {
          stored.set(`D-${s}`, s);
          expected.set(`D-${s}`, isReady(s, []));
        }
        // Written directly in one transaction (addTask's one per task is slow on PostgreSQL).
        await db.write(async () => {
          let seq = statuses.length;
          for (const s of statuses) {
            for (const [i, mix] of mixes.entries()) {
              const id = `T-${s}-${i}`;
              await db.run(
                `INSERT INTO tasks (run_id, id, title, summary, status, seq, created_at, updated_at)
                 VALUES ('R', ?, ?, '', 'pending', ?, ?, ?)`,
                id,
                id,
                ++seq,
                NOW,
                NOW,
              );
              for (const d of mix) {
                await db.run(
                  "INSERT INTO deps (run_id, task_id, depends_on) VALUES ('R', ?, ?)",
                  id,
                  `D-${d}`,
                );
              }
              stored.set(id, s);
              expected.set(id, isReady(s, mix));
            }
          }
          for (const [id, s] of stored) {
            await db.run("UPDATE tasks SET status = ? WHERE run_id = 'R' AND id = ?", s, id);
          }
        });
        const readyIds = [...expected].filter(([, r]) => r).map(([id]) => id).sort();
        assert.ok(readyIds.length > 0 && readyIds.length < expected.size / 4);

        assert.deepEqual((await store.readyTasks("R")).map((t) => t.id).sort(), readyIds);
        assert.deepEqual(
          (await db.all(
            `SELECT t.id FROM tasks t WHERE t.run_id = 'R' AND ${readySql("t")} ORDER BY t.id`,
          )).map((r) => String(r["id"])).sort(),
          readyIds,
        );
        const counts = await store.countTasks("R");
        const pending = [...stored.values()].filter((s) => s === "pending").length;
        assert.equal(counts.ready, readyIds.length);
        assert.equal(counts.pending, pending - readyIds.length);
        const shown = (ts: Array<{ id: string; status: string }>) =>
          ts.filter((t) => t.status === "ready").map((t) => t.id).sort();
        assert.deepEqual(shown(await store.listTasks("R")), readyIds);
        assert.deepEqual(shown((await store.status("R")).tasks), readyIds);
        const json = await store.statusJson("R");
        assert.deepEqual(shown(json.tasks_json.map((t) => JSON.parse(t))), readyIds);
        assert.equal(json.counts.ready, readyIds.length);
        assert.deepEqual(
          (await db.all(
            `SELECT t.id, ${shownStatusSql("t")} AS shown FROM tasks t WHERE t.run_id = 'R'`,
          )).filter((r) => r["shown"] === "ready").map((r) => String(r["id"])).sort(),
          readyIds,
        );
      }),
  });
}
