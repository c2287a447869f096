/**
 * Flag parsers. A parser throws a plain Error; stricli reports it as an
 * argument error, which runCli turns into `USAGE` (exit 2). Each parser
 * also describes the values it takes (see {@linkcode parserType}), for the
 * JSON description of the command surface (`--help --json`).
 */

/** What a flag parser accepts, for people and agents. */
export interface ValueType {
  type: "integer" | "number" | "string" | "boolean" | "agent" | "id" | "id-list" | "enum";
  min?: number;
  max?: number;
  values?: readonly string[];
}

const _types = new WeakMap<(s: string) => unknown, ValueType>();

function _typed<F extends (s: string) => unknown>(fn: F, type: ValueType): F {
  _types.set(fn, type);
  return fn;
}

/** The value type of a parser made here; plain `String` (and anything else) is "string". */
export function parserType(fn: unknown): ValueType {
  return _types.get(fn as (s: string) => unknown) ?? { type: "string" };
}

/** A whole number within [min, max]. */
export function intParser(min: number, max = Number.MAX_SAFE_INTEGER): (s: string) => number {
  const type: ValueType = max === Number.MAX_SAFE_INTEGER
    ? { type: "integer", min }
    : { type: "integer", min, max };
  return _typed((s: string) => {
    if (!/^-?\d+$/.test(s.trim())) throw new Error(`expected a whole number, got "${s}"`);
    const n = Number(s);
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw new Error(`expected a number from ${min} to ${max}, got "${s}"`);
    }
    return n;
  }, type);
}

/** A non-negative number of seconds (fractions allowed), at most a day. */
export function secondsParser(s: string): number {
  const n = Number(s);
  if (s.trim() === "" || !Number.isFinite(n) || n < 0 || n > 86400) {
    throw new Error(`expected seconds from 0 to 86400, got "${s}"`);
  }
  return n;
}

const _NAME = /^[A-Za-z0-9][A-Za-z0-9._@:+-]{0,127}$/;

/** An agent name: letters, digits and `._@:+-`, at most 128 characters. */
export function agentParser(s: string): string {
  if (!_NAME.test(s)) {
    throw new Error(
      `invalid agent name "${s}": use letters, digits and ._@:+- (start with a letter or digit)`,
    );
  }
  return s;
}

/** A run or task id: same alphabet as agent names. */
export function idParser(s: string): string {
  if (!_NAME.test(s)) {
    throw new Error(
      `invalid id "${s}": use letters, digits and ._@:+- (start with a letter or digit)`,
    );
  }
  return s;
}

/** A comma-separated list of run or task ids (at least one; spaces around commas allowed). */
export function idListParser(s: string): string[] {
  const ids = s.split(",").map((x) => x.trim());
  if (ids.some((x) => x === "")) {
    throw new Error(`expected comma-separated ids like "T1,T2", got "${s}"`);
  }
  return ids.map(idParser);
}

/** A number from 0 to 1. */
export function ratioParser(s: string): number {
  const n = Number(s);
  if (s.trim() === "" || !Number.isFinite(n) || n < 0 || n > 1) {
    throw new Error(`expected a number from 0 to 1, got "${s}"`);
  }
  return n;
}

/** A comma-separated list of non-empty values (spaces around commas allowed). */
export function textListParser(s: string): string[] {
  const items = s.split(",").map((x) => x.trim());
  if (items.some((x) => x === "")) throw new Error(`expected comma-separated values, got "${s}"`);
  return items;
}

/** Any text that is not empty. */
export function textParser(s: string): string {
  if (s.trim() === "") throw new Error("expected a non-empty value");
  return s;
}

/** One of a fixed list of values. */
export function choiceParser<T extends string>(values: readonly T[]): (s: string) => T {
  return _typed((s: string) => {
    if (!(values as readonly string[]).includes(s)) {
      throw new Error(`expected one of ${values.join(", ")}, got "${s}"`);
    }
    return s as T;
  }, { type: "enum", values });
}

_typed(secondsParser, { type: "number", min: 0, max: 86400 });
_typed(agentParser, { type: "agent" });
_typed(idParser, { type: "id" });
_typed(idListParser, { type: "id-list" });
_typed(textParser, { type: "string" });
_typed(ratioParser, { type: "number", min: 0, max: 1 });
_typed(textListParser, { type: "string" });
