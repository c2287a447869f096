/**
 * Writes `docs/schemas/<name>.schema.json` (JSON Schema draft 2020-12) for
 * every JSON contract: the output contracts of src/protocol/output_schemas.ts
 * and the inputs the programs parse (`--payload-json` / `--acceptance-json`
 * objects, `orch brief --dispatch-json`, the council reviewer result).
 *
 *   deno run --allow-read --allow-write scripts/gen_schemas.ts          # write
 *   deno run --allow-read scripts/gen_schemas.ts --check                # verify
 *
 * `--check` writes nothing and exits 1, listing the files, when any file is
 * missing, differs, or is no longer generated. `--dir PATH` works on another
 * directory than docs/schemas/ (tests use it). Output is deterministic:
 * keywords sorted, property names in declaration order, two-space indent,
 * trailing newline.
 *
 * @module
 */

import { resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { z } from "zod";
import { ReviewerResultSchema } from "../src/council/contract.ts";
import { OUTPUT_SCHEMAS } from "../src/protocol/output_schemas.ts";
import {
  CouncilStartOutputSchema,
  DispatchOutputSchema,
  JsonObjectSchema,
} from "../src/protocol/schemas.ts";

/** Where the files go. */
export const SCHEMA_DIR = new URL("../docs/schemas/", import.meta.url);

/** Schemas of JSON the programs read, rendered in zod's `input` mode. */
export const INPUT_SCHEMAS = {
  "input-json-object": JsonObjectSchema.describe(
    "--payload-json and --acceptance-json: any JSON object",
  ),
  "input-dispatch-json": z.union([DispatchOutputSchema, CouncilStartOutputSchema]).describe(
    "orch brief --dispatch-json: the parts of `orch --json dispatch` (or `council start`) output the brief reads",
  ),
  "input-reviewer-result": ReviewerResultSchema.describe(
    "A council reviewer's `inbox done --payload-json` result (contract council-review/v1)",
  ),
} as const satisfies Record<string, z.ZodType>;

/** Object keys whose children are names chosen by us (kept in declaration order). */
const _NAME_MAPS = new Set(["properties", "$defs", "patternProperties", "dependentSchemas"]);

/** Sorts keywords recursively; property and definition names keep their declaration order. */
function _canonical(value: unknown, keepOrder = false): unknown {
  if (Array.isArray(value)) return value.map((v) => _canonical(v));
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (!keepOrder) entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([k, v]) => [k, _canonical(v, _NAME_MAPS.has(k))]));
}

function _render(name: string, schema: z.ZodType, io: "input" | "output"): string {
  const json = z.toJSONSchema(schema, { io, target: "draft-2020-12" }) as Record<string, unknown>;
  return JSON.stringify(_canonical({ title: name, ...json }), null, 2) + "\n";
}

/** Every schema file, by file name, with its exact contents. */
export function renderSchemas(): Map<string, string> {
  const files = new Map<string, string>();
  for (const [name, schema] of Object.entries(OUTPUT_SCHEMAS)) {
    files.set(`${name}.schema.json`, _render(name, schema, "output"));
  }
  for (const [name, schema] of Object.entries(INPUT_SCHEMAS)) {
    files.set(`${name}.schema.json`, _render(name, schema, "input"));
  }
  return files;
}

function _readOrUndefined(url: URL): string | undefined {
  try {
    return Deno.readTextFileSync(url);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
}

function _existingSchemaFiles(dir: URL): string[] {
  try {
    return [...Deno.readDirSync(dir)]
      .filter((e) => e.isFile && e.name.endsWith(".schema.json"))
      .map((e) => e.name)
      .sort();
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw err;
  }
}

/** Files that are missing, differ, or are no longer generated (each with the reason). */
export function staleSchemaFiles(dir: URL = SCHEMA_DIR): string[] {
  const expected = renderSchemas();
  const problems: string[] = [];
  for (const [file, text] of expected) {
    const actual = _readOrUndefined(new URL(file, dir));
    if (actual === undefined) problems.push(`${file}: missing`);
    else if (actual !== text) problems.push(`${file}: differs`);
  }
  for (const file of _existingSchemaFiles(dir)) {
    if (!expected.has(file)) problems.push(`${file}: no longer generated`);
  }
  return problems;
}

/** Writes every file and removes schema files that are no longer generated. */
export function writeSchemas(dir: URL = SCHEMA_DIR): { written: string[]; removed: string[] } {
  Deno.mkdirSync(dir, { recursive: true });
  const expected = renderSchemas();
  const written: string[] = [];
  for (const [file, text] of expected) {
    const url = new URL(file, dir);
    if (_readOrUndefined(url) !== text) {
      Deno.writeTextFileSync(url, text);
      written.push(file);
    }
  }
  const removed = _existingSchemaFiles(dir).filter((f) => !expected.has(f));
  for (const file of removed) Deno.removeSync(new URL(file, dir));
  return { written, removed };
}

/** `--dir PATH` as a directory URL, or the default. */
function _dirArg(args: readonly string[]): URL {
  const i = args.indexOf("--dir");
  if (i < 0) return SCHEMA_DIR;
  const path = args[i + 1];
  if (!path) throw new Error("--dir needs a path");
  return pathToFileURL(resolve(path) + "/");
}

if (import.meta.main) {
  const dirUrl = _dirArg(Deno.args);
  const dir = fileURLToPath(dirUrl);
  if (Deno.args.includes("--check")) {
    const problems = staleSchemaFiles(dirUrl);
    if (problems.length > 0) {
      console.error(
        `${problems.length} schema file(s) in ${dir} are out of date; ` +
          "run: deno run --allow-read --allow-write scripts/gen_schemas.ts",
      );
      for (const p of problems) console.error(`  ${p}`);
      Deno.exit(1);
    }
    console.log(`${renderSchemas().size} schema files in ${dir} are current`);
  } else {
    const { written, removed } = writeSchemas(dirUrl);
    for (const f of written) console.log(`wrote ${dir}${f}`);
    for (const f of removed) console.log(`removed ${dir}${f}`);
    if (written.length + removed.length === 0) console.log(`${dir}: already current`);
  }
}
