/** HTML text helpers for the board's server-rendered pages. */

const _ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes text for an HTML element body or a double-quoted attribute. */
export function escapeHtml(value: unknown): string {
  return String(value ?? "").replace(/[&<>"']/g, (c) => _ENTITIES[c]!);
}

/** A tagged template that escapes every interpolated value except `raw(...)` ones. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Raw {
  let out = strings[0]!;
  values.forEach((v, i) => {
    out += _part(v) + strings[i + 1]!;
  });
  return new Raw(out);
}

/** Markup that is already safe. */
export class Raw {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** Marks trusted markup (built by this module or the SVG renderer) as safe. */
export function raw(markup: string): Raw {
  return new Raw(markup);
}

function _part(v: unknown): string {
  if (v instanceof Raw) return v.value;
  if (Array.isArray(v)) return v.map(_part).join("");
  if (v === null || v === undefined || v === false) return "";
  return escapeHtml(v);
}
