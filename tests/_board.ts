/** A running `orch board` subprocess (shipped permission flags) and raw HTTP to it. */
import { lines, spawnCli } from "./_spawn.ts";

export interface RunningBoard extends AsyncDisposable {
  url: string;
  origin: string;
  port: number;
  token: string;
}

/** Starts `orch --db DB board --port 0` and reads the URL from its first stdout line. */
export async function startBoard(db: string): Promise<RunningBoard> {
  const run = spawnCli("orch", ["--db", db, "board", "--port", "0"]);
  const out = lines(run.child.stdout);
  const first = await out.next();
  if (first.done) {
    const err = await new Response(run.child.stderr).text();
    throw new Error(`orch board printed no URL: ${err}`);
  }
  const url = first.value;
  const m = /^http:\/\/127\.0\.0\.1:(\d+)\/\?token=([0-9a-f]+)$/.exec(url);
  if (!m) throw new Error(`unexpected first line: ${url}`);
  return {
    url,
    origin: `http://127.0.0.1:${m[1]}`,
    port: Number(m[1]),
    token: m[2]!,
    async [Symbol.asyncDispose]() {
      run.killIfRunning("SIGTERM");
      await run.child.status;
      await run.child.stderr.cancel().catch(() => {});
      await out.return(undefined);
    },
  };
}

/** Sends one raw HTTP/1.1 request (any Host header) and returns the status line's code and the text. */
export async function rawRequest(
  port: number,
  request: { method?: string; path: string; headers: Record<string, string>; body?: string },
): Promise<{ status: number; text: string }> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    const body = request.body ?? "";
    const head = [
      `${request.method ?? "GET"} ${request.path} HTTP/1.1`,
      ...Object.entries({
        ...request.headers,
        connection: "close",
        "content-length": String(new TextEncoder().encode(body).length),
      }).map(([k, v]) => `${k}: ${v}`),
      "",
      "",
    ].join("\r\n");
    await conn.write(new TextEncoder().encode(head + body));
    const text = await new Response(conn.readable).text();
    const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
    return { status, text };
  } catch (err) {
    try {
      conn.close();
    } catch { /* closed */ }
    throw err;
  }
}
