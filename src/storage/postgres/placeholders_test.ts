import assert from "node:assert/strict";
import { toPgPlaceholders } from "./placeholders.ts";

Deno.test("toPgPlaceholders numbers each ? in order", () => {
  assert.equal(
    toPgPlaceholders("SELECT * FROM t WHERE a = ? AND b IN (?, ?) LIMIT ?"),
    "SELECT * FROM t WHERE a = $1 AND b IN ($2, $3) LIMIT $4",
  );
  assert.equal(toPgPlaceholders("SELECT 1"), "SELECT 1");
});

Deno.test("toPgPlaceholders leaves ? inside strings, identifiers and comments", () => {
  assert.equal(
    toPgPlaceholders(`SELECT '?', 'it''s ?', "col?" FROM t WHERE x = ? -- why?\nAND y = ?`),
    `SELECT '?', 'it''s ?', "col?" FROM t WHERE x = $1 -- why?\nAND y = $2`,
  );
  assert.equal(toPgPlaceholders("SELECT /* ? */ ?"), "SELECT /* ? */ $1");
  assert.equal(toPgPlaceholders(`SELECT "a""?" , ?`), `SELECT "a""?" , $1`);
  assert.equal(toPgPlaceholders(`SELECT E'\\' ?', ?`), `SELECT E'\\' ?', $1`);
  assert.equal(toPgPlaceholders("SELECT $$ ? $$, $f$ '? $f$, ?"), "SELECT $$ ? $$, $f$ '? $f$, $1");
});

Deno.test("toPgPlaceholders keeps SQLite's numbered ?NNN", () => {
  assert.equal(toPgPlaceholders("SELECT ?2, ?1"), "SELECT $2, $1");
});

Deno.test("toPgPlaceholders casts a parameter tested with IS NULL to text", () => {
  assert.equal(
    toPgPlaceholders("WHERE (? IS NULL OR a = ?) AND (?  is not null)"),
    "WHERE ($1::text IS NULL OR a = $2) AND ($3::text  is not null)",
  );
  assert.equal(toPgPlaceholders("WHERE ? ISNULL"), "WHERE $1 ISNULL");
});
