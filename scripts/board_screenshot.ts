/**
 * Makes docs/board.png, the README's picture of `orch board`: a small run
 * with tasks in most states, opened in headless Chromium (tests/_browser.ts).
 *
 *   deno run -A scripts/board_screenshot.ts [OUT.png] [--width N]
 *
 * -A because playwright-core reads /proc when it loads; `orch board` and
 * the CLI calls run with their shipped flags.
 */
import { join } from "node:path";
import { launchBrowser } from "../tests/_browser.ts";
import { startBoard } from "../tests/_board.ts";
import { inbox, ok, orch, tempDb } from "../tests/_cli.ts";

const ROOT = new URL("..", import.meta.url).pathname;

async function main(): Promise<void> {
  const out = Deno.args.find((a) => a.endsWith(".png")) ?? join(ROOT, "docs", "board.png");
  const wi = Deno.args.indexOf("--width");
  const width = wi >= 0 ? Number(Deno.args[wi + 1]) : 1100;
  await using env = await tempDb();
  const db = env.db;
  await ok(orch(db, "run", "init", "--run", "blog", "--goal", "Ship the blog MVP"));
  const tasks: Array<[string, string, string]> = [
    ["schema", "Database schema", "ana"],
    ["api", "REST API for posts", "ben"],
    ["ui", "Post editor UI", "cleo"],
    ["auth", "Login and sessions", "dev"],
    ["search", "Full-text search", "eve"],
    ["review", "Security review", "fay"],
    ["docs", "User guide", "gus"],
  ];
  for (const [id, title, to] of tasks) {
    await ok(
      orch(db, "task", "add", "--run", "blog", "--task", id, "--title", title, "--default-to", to),
    );
  }
  for (
    const [t, d] of [
      ["api", "schema"],
      ["ui", "api"],
      ["auth", "schema"],
      ["search", "api"],
      [
        "review",
        "auth",
      ],
      ["review", "ui"],
      ["docs", "ui"],
    ]
  ) await ok(orch(db, "dep", "add", "--run", "blog", "--task", t!, "--depends-on", d!));
  const go = async (task: string) => {
    const d = await ok(
      orch(db, "dispatch", "--run", "blog", "--task", task, "--execution-mode", "analysis"),
    );
    const a = d["attempt"] as { assigned_to: string; thread_id: number };
    const ref = ["--agent", a.assigned_to, "--thread", String(a.thread_id)];
    await ok(inbox(db, "claim", ...ref));
    return ref;
  };
  await ok(inbox(db, "done", ...await go("schema"), "--body", "Tables: posts, users, sessions"));
  const api = await go("api");
  await ok(inbox(db, "update", ...api, "--progress", "60", "--body", "CRUD done; pagination next"));
  const auth = await go("auth");
  await ok(
    inbox(
      db,
      "update",
      ...auth,
      "--status",
      "blocked",
      "--body",
      "Sessions in cookies or bearer tokens?",
    ),
  );
  await using board = await startBoard(db);
  await using browser = await launchBrowser();
  const page = await browser.context.newPage();
  await page.setViewportSize({ width, height: 900 });
  await page.goto(board.url);
  await page.goto(`${board.origin}/run/blog`);
  await page.waitForSelector("#graph");
  await page.locator("#live").filter({ hasText: /^live/ }).waitFor();
  await page.screenshot({ path: out, fullPage: true });
  console.log(out);
}

if (import.meta.main) {
  await main();
  Deno.exit(0);
}
