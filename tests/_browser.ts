/**
 * Headless Chromium for the board tests: Debian's `chromium` driven by
 * npm:playwright-core (its own browser download cannot run here), with a
 * fresh profile directory per launch. `.ci/run` installs the package.
 */
import type { BrowserContext } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";

/** Flags that keep Chromium off the network and quiet in a container. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
];

/** A browser context on a fresh profile; closing it removes the profile. */
export async function launchBrowser(): Promise<{ context: BrowserContext } & AsyncDisposable> {
  try {
    await Deno.stat(CHROMIUM);
  } catch {
    throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does this)`);
  }
  // Loaded here, not at import: playwright-core reads /proc when it loads (needs -A).
  const { chromium } = await import("playwright-core");
  const profile = await Deno.makeTempDir({ prefix: "board-chromium-" });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  return {
    context,
    async [Symbol.asyncDispose]() {
      await context.close();
      await Deno.remove(profile, { recursive: true });
    },
  };
}
