import { isPostgresUrl } from "./postgres/url.ts";
import { redactUrl } from "./postgres/redact.ts";

/** What may be printed about a store: a file path, or a URL without its password. */
export function storeLabel(target: string): string {
  return isPostgresUrl(target) ? redactUrl(target) : target;
}
