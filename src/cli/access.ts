import { type Access, authorize } from "../store/access/authorize.ts";
import type { CliContext } from "./context.ts";
import { TOKEN_ENV } from "./token_env.ts";

/** The token the caller presented: `--token`, else the program's environment variable. */
export function presentedToken(ctx: CliContext): string | undefined {
  if (ctx.global.token !== undefined) return ctx.global.token;
  try {
    return Deno.env.get(TOKEN_ENV[ctx.program]) || undefined;
  } catch {
    return undefined; // not allowed to read it: no token
  }
}

/**
 * Checks the presented token allows `access` (a no-op unless the database
 * requires tokens); `FORBIDDEN` otherwise. Returns the thread of a thread
 * token.
 */
export async function checkAccess(ctx: CliContext, access: Access): Promise<number | undefined> {
  return authorize(await ctx.openDb(), presentedToken(ctx), access);
}
