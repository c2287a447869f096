import { startBoard } from "../../board/server.ts";
import { openStorage } from "../../storage/open_storage.ts";
import { toAppError } from "../../protocol/errors.ts";
import { checkAccess } from "../access.ts";
import type { CliContext } from "../context.ts";
import { printError } from "../respond.ts";
import { councilMarkdown, councilTally } from "./council_impl.ts";

/**
 * `orch board`: serves the live run board on 127.0.0.1 until interrupted.
 * The first line of stdout is the URL with its token (with --json, one
 * envelope `{"ok": true, "url", "port"}`); nothing else goes to stdout.
 */
export async function board(this: CliContext, flags: { port: number }): Promise<void> {
  try {
    // The board answers as the leader: in strict mode it needs the leader token (ORCH_TOKEN).
    await checkAccess(this, { kind: "leader" });
    const readDb = await this.openDb();
    const writeDb = await openStorage(this.global.db!);
    try {
      const b = await startBoard({
        readDb,
        writeDb,
        clock: this.clock,
        port: flags.port,
        council: async (council, runId) => {
          const r = await councilTally(council, runId);
          return { topic: r.topic, tally: r.tally, markdown: councilMarkdown(runId, r) };
        },
      });
      this.process.stdout.write(
        (this.global.json ? JSON.stringify({ ok: true, url: b.url, port: b.port }) : b.url) + "\n",
      );
      this.process.stderr.write(`orch board: serving ${writeDb.label} (Ctrl-C stops)\n`);
      const stop = () => void b.shutdown();
      Deno.addSignalListener("SIGINT", stop);
      Deno.addSignalListener("SIGTERM", stop);
      await b.finished;
      Deno.removeSignalListener("SIGINT", stop);
      Deno.removeSignalListener("SIGTERM", stop);
    } finally {
      await writeDb.close();
    }
  } catch (err) {
    await printError(this, toAppError(err));
  }
}
