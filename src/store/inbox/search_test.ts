import assert from "node:assert/strict";
import { join } from "node:path";
import { openSqlite } from "../../storage/sqlite/open_sqlite.ts";
import { InboxStore } from "../inbox_store.ts";
import { RANK_WINDOW, searchInbox } from "./search.ts";

Deno.test("searchInbox ranks the newest RANK_WINDOW matches; filters apply before the window", async () => {
  const dir = await Deno.makeTempDir({ prefix: "search-window-" });
  try {
    using db = await openSqlite(join(dir, "c.db"), { init: true });
    const store = new InboxStore(db);
    const old = 10;
    await db.write(async () => {
      for (let i = 0; i < RANK_WINDOW + old; i++) {
        await store.sendThread({
          from: "lead",
          to: i < old ? "early" : "late",
          subject: `thread ${i}`,
          body: `common word number ${i}`,
        });
      }
    });
    const all = await searchInbox(db, "common", { limit: RANK_WINDOW + old });
    assert.equal(all.length, RANK_WINDOW);
    assert.ok(all.every((h) => h.to_agent === "late"));
    const early = await searchInbox(db, "common", { agent: "early", limit: 100 });
    assert.equal(early.length, old);
    assert.ok(early.every((h) => h.kind === "message" && h.snippet.includes("**common**")));
    // The limit keeps the best hits, and every hit's snippet comes from its own message.
    const five = await searchInbox(db, "common", { limit: 5 });
    assert.equal(five.length, 5);
    for (const h of five) assert.match(h.snippet, new RegExp(`number ${h.thread_id - 1}$`));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
