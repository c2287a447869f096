/**
 * The browser scenario of tests/board_browser_test.ts, run as its own
 * process: npm:playwright-core reads /proc at import time, which Deno allows
 * only under --allow-all, so this driver runs with -A while everything it
 * tests runs as usual: `orch board` and the worker commands are spawned
 * with their shipped permission flags (scripts/permissions.ts). Prints
 * `ok <step>` per step; any failure exits non-zero with the reason.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { launchBrowser } from "../_browser.ts";
import { startBoard } from "../_board.ts";
import { inbox, ok, orch, tempDb } from "../_cli.ts";
import { seedRun } from "../_orch.ts";
import { lines, spawnCli } from "../_spawn.ts";
import { STEPS } from "./steps.ts";

const ROOT = new URL("../..", import.meta.url).pathname;
/** Screenshots land here (gitignored) for a person to look at. */
const ARTIFACTS = join(ROOT, "tests", ".artifacts");
const DEADLINE_MS = 20_000;

const TASKS = { "plan": "w1", "build.api": "w2", "build.ui": "w3", "review@1": "w4" };
const DEPS: Array<[string, string]> = [
  ["build.api", "plan"],
  ["build.ui", "plan"],
  ["review@1", "build.api"],
  ["review@1", "build.ui"],
];

async function step(
  name: typeof STEPS[number],
  fn: () => unknown | Promise<unknown>,
): Promise<void> {
  await fn();
  console.log(`ok ${name}`);
}

async function main(): Promise<void> {
  await using env = await tempDb();
  await seedRun(env.db, "R", TASKS, DEPS);
  await ok(
    orch(env.db, "dispatch", "--run", "R", "--task", "plan", "--execution-mode", "analysis"),
  );
  await ok(inbox(env.db, "claim", "--agent", "w1", "--thread", "1"));
  await using board = await startBoard(env.db);
  await using browser = await launchBrowser();
  const page = await browser.context.newPage();
  const foreign: string[] = [];
  page.on("request", (r) => {
    if (!r.url().startsWith(board.origin + "/")) foreign.push(r.url());
  });

  await step("the run page shows the graph with every task (screenshot saved)", async () => {
    await page.goto(board.url);
    assert.equal(new URL(page.url()).search, "", "the token leaves the address bar");
    await page.click('a[href="/run/R"]');
    await page.waitForSelector("#graph", { timeout: DEADLINE_MS });
    for (const id of Object.keys(TASKS)) {
      assert.equal(await page.locator(`#graph a[data-task="${id}"]`).count(), 1, id);
      assert.equal(await page.locator(`#tasks-body tr[data-task="${id}"]`).count(), 1, id);
    }
    assert.equal(await page.locator("#graph path.edge").count(), DEPS.length);
    assert.match(
      (await page.locator('#graph a[data-task="plan"]').getAttribute("class")) ?? "",
      /st-in_progress|st-dispatched/,
    );
    // Locator waits, not waitForFunction: the board's CSP (no 'unsafe-eval') blocks string predicates.
    await page.locator("#live").filter({ hasText: /^live/ }).waitFor({ timeout: DEADLINE_MS });
    await Deno.mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, "board-run.png"), fullPage: true });
    assert.ok((await Deno.stat(join(ARTIFACTS, "board-run.png"))).size > 1000);
  });

  await step("a worker's update shows on the open page without a reload", async () => {
    await page.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 42));
    await ok(
      inbox(
        env.db,
        "update",
        "--agent",
        "w1",
        "--thread",
        "1",
        "--progress",
        "40",
        "--body",
        "Halfway: schema drafted",
      ),
    );
    await page.locator('#tasks-body tr[data-task="plan"]')
      .filter({ hasText: "40%" })
      .filter({ hasText: "Halfway: schema drafted" })
      .waitFor({ timeout: DEADLINE_MS });
    assert.equal(
      await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker),
      42,
      "the page was not reloaded",
    );
  });

  await step(
    "a blocked question appears live; answering it in the page wakes inbox wait-reply",
    async () => {
      await ok(
        inbox(
          env.db,
          "update",
          "--agent",
          "w1",
          "--thread",
          "1",
          "--status",
          "blocked",
          "--body",
          "Postgres or SQLite?",
        ),
      );
      const item = page.locator('#blocked-list .blocked-item[data-task="plan"]');
      await item.waitFor({ timeout: DEADLINE_MS });
      assert.match(await item.locator("pre.question").textContent() ?? "", /Postgres or SQLite\?/);
      await page.locator('#graph a[data-task="plan"].st-blocked').waitFor({ timeout: DEADLINE_MS });
      const waiter = spawnCli("inbox", [
        "--db",
        env.db,
        "--json",
        "wait-reply",
        "--agent",
        "w1",
        "--thread",
        "1",
        "--timeout-seconds",
        "60",
      ]);
      const replies = lines(waiter.child.stdout);
      try {
        await item.locator("textarea").fill("SQLite, one file.");
        await item.locator("button").click();
        const line = await replies.next();
        const got = JSON.parse(line.value ?? "{}");
        assert.equal(got.ok, true, line.value);
        assert.equal(got.reply?.body ?? got.message?.body, "SQLite, one file.", line.value);
        await page.locator('#blocked-list .blocked-item[data-task="plan"]')
          .waitFor({ state: "detached", timeout: DEADLINE_MS });
      } finally {
        if (!waiter.exited()) waiter.child.kill();
        await waiter.child.status;
        await replies.return(undefined);
        await waiter.child.stderr.cancel();
      }
      const status = await ok(orch(env.db, "status", "--run", "R"));
      const plan = (status["tasks"] as Array<{ id: string; status: string }>).find((x) =>
        x.id === "plan"
      );
      assert.equal(plan?.status, "in_progress");
    },
  );

  await step("the page made no request outside the board", () => {
    assert.deepEqual(foreign, []);
  });
}

if (import.meta.main) {
  await main();
  // playwright may leave handles open; the scenario is over.
  Deno.exit(0);
}
