import type { Dialect } from "./db.ts";

/**
 * The few spellings the two backends do not share, written once. Store SQL
 * is otherwise the subset both speak; a statement that needs one of these
 * builds its text from `sqlFor(db.dialect)` (the text is fixed per backend,
 * so statement caches still hit).
 */
export interface SqlFragments {
  /** A function building a JSON object from alternating keys and values. */
  readonly jsonObject: string;
  /** An aggregate collecting values into a JSON array (`ORDER BY` allowed inside). */
  readonly jsonGroupArray: string;
  /**
   * A join that keeps the written join order. SQLite's planner treats
   * `CROSS JOIN` as that hint; PostgreSQL needs none (and takes no `ON` after
   * `CROSS JOIN`).
   */
  readonly orderedJoin: string;
}

const _SQLITE: SqlFragments = {
  jsonObject: "json_object",
  jsonGroupArray: "json_group_array",
  orderedJoin: "CROSS JOIN",
};

const _POSTGRES: SqlFragments = {
  jsonObject: "json_build_object",
  jsonGroupArray: "json_agg",
  orderedJoin: "JOIN",
};

/** The fragments of `dialect`. */
export function sqlFor(dialect: Dialect): SqlFragments {
  return dialect === "postgres" ? _POSTGRES : _SQLITE;
}
