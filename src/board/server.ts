import { mapSeq } from "../store/map_seq.ts";
/**
 * `orch board`'s HTTP server: loopback only, every request through the
 * guard (token, Host, same-origin POST), pages rendered from store
 * operations, answers through the same `OrchStore.answer` as `orch answer`,
 * and a server-sent event stream per run that wakes on the database's
 * commits (src/storage/wait_until.ts) and sends the changed tasks' rows.
 */
import type { Db } from "../storage/db.ts";
import { waitUntil } from "../storage/wait_until.ts";
import { AppError, toAppError } from "../protocol/errors.ts";
import type { Clock } from "../store/clock.ts";
import { CouncilStore } from "../store/council_store.ts";
import { boardTasks } from "../store/orch/board_tasks.ts";
import { lastEventId } from "../store/orch/last_event_id.ts";
import { listRuns } from "../store/orch/list_runs.ts";
import { taskAttempts } from "../store/orch/task_attempts.ts";
import { OrchStore } from "../store/orch_store.ts";
import { BOARD_CSS, BOARD_JS } from "./assets.ts";
import { graphNodes } from "./graph_model.ts";
import {
  drawable,
  type GraphLayout,
  layoutGraph,
  renderGraphSvg,
  tooBigNote,
} from "./graph_svg.ts";
import { guard, newToken, SECURITY_HEADERS } from "./guard.ts";
import {
  type AttemptThread,
  type CouncilSection,
  errorPage,
  runPage,
  runPath,
  runsPage,
  taskPage,
  taskPath,
  timeline,
} from "./pages.ts";

/** Largest answer form accepted (bytes). */
export const MAX_FORM_BYTES = 1024 * 1024;
/** A comment line on an idle event stream this often keeps proxies and the browser from timing out. */
export const KEEPALIVE_MS = 15_000;
/** Event types after which the graph's shape (tasks, edges) may have changed. */
const _SHAPE_EVENTS = new Set(["task_added", "dep_added"]);

export interface BoardOptions {
  /** Connection for reads and the event streams. */
  readDb: Db;
  /** A second connection for answers, so the streams' `data_version` sees them commit. */
  writeDb: Db;
  clock: Clock;
  /** 0 picks a free port. */
  port: number;
  /** Council tally and markdown for a council run (kept in the CLI layer, which owns the council code). */
  council?: (store: CouncilStore, runId: string) => Promise<CouncilSection>;
}

export interface Board {
  url: string;
  port: number;
  token: string;
  /** Stops serving and closes every event stream. */
  shutdown(): Promise<void>;
  finished: Promise<void>;
}

const _encoder = new TextEncoder();

function _headers(type: string, extra: Record<string, string> = {}): Headers {
  return new Headers({ ...SECURITY_HEADERS, "content-type": type, ...extra });
}

function _page(body: string, status = 200): Response {
  return new Response(body, { status, headers: _headers("text/html; charset=utf-8") });
}

function _httpStatus(err: AppError): number {
  switch (err.exitCode) {
    case 2:
      return 400;
    case 3:
      return 404;
    case 4:
      return 409;
    default:
      return 500;
  }
}

/** Starts the board on 127.0.0.1. */
export function startBoard(options: BoardOptions): Promise<Board> {
  const token = newToken();
  const reads = new OrchStore(options.readDb, { clock: options.clock });
  const writes = new OrchStore(options.writeDb, { clock: options.clock });
  const closing = new AbortController();
  let port = 0;
  const layouts = new Map<string, { key: string; layout: GraphLayout }>();

  /** The run's picture: the layout is cached per run by the graph's shape, statuses drawn fresh. */
  const graphOf = (runId: string, tasks: Parameters<typeof graphNodes>[0]): string => {
    const nodes = graphNodes(tasks);
    if (!drawable(nodes)) return tooBigNote(nodes.length);
    const key = JSON.stringify(nodes.map((n) => [n.id, n.depends_on]));
    let cached = layouts.get(runId);
    if (cached?.key !== key) {
      cached = { key, layout: layoutGraph(nodes) };
      layouts.set(runId, cached);
    }
    return renderGraphSvg(nodes, (id) => taskPath(runId, id), cached.layout);
  };

  const councilOf = async (runId: string): Promise<CouncilSection | undefined> => {
    if (!options.council) return undefined;
    try {
      return await options.council(new CouncilStore(reads), runId);
    } catch {
      // Not a council after all, or its results are unreadable: the rest of the page still shows.
      return undefined;
    }
  };

  const routes: Array<
    [string, RegExp, (m: string[], req: Request) => Response | Promise<Response>]
  > = [
    ["GET", /^\/$/, async () => _page(runsPage(await listRuns(reads)))],
    [
      "GET",
      /^\/assets\/board\.css$/,
      () => new Response(BOARD_CSS, { headers: _headers("text/css; charset=utf-8") }),
    ],
    [
      "GET",
      /^\/assets\/board\.js$/,
      () => new Response(BOARD_JS, { headers: _headers("text/javascript; charset=utf-8") }),
    ],
    ["GET", /^\/run\/([^/]+)$/, async ([runId]) => {
      await reads.reconcile(runId!);
      return _page(await renderRun(runId!));
    }],
    ["GET", /^\/run\/([^/]+)\/graph$/, async ([runId]) => {
      const tasks = await boardTasks(reads, runId!);
      return new Response(graphOf(runId!, tasks), {
        headers: _headers("text/html; charset=utf-8"),
      });
    }],
    ["GET", /^\/run\/([^/]+)\/events$/, ([runId], req) => eventStream(runId!, req)],
    ["GET", /^\/run\/([^/]+)\/task\/([^/]+)$/, async ([runId, taskId]) => {
      const run = await reads.getRun(runId!);
      const { task } = await taskAttempts(reads, runId!, taskId!);
      return _page(
        taskPage({
          run,
          task,
          items: await attemptThreads(runId!, taskId!),
          cursor: await lastEventId(reads, runId!),
        }),
      );
    }],
    [
      "GET",
      /^\/run\/([^/]+)\/task\/([^/]+)\/timeline$/,
      async ([runId, taskId]) =>
        new Response(timeline(await attemptThreads(runId!, taskId!)), {
          headers: _headers("text/html; charset=utf-8"),
        }),
    ],
    ["POST", /^\/run\/([^/]+)\/task\/([^/]+)\/answer$/, async ([runId, taskId], req) => {
      const body = await _formField(req, "body");
      try {
        await writes.answer({ runId: runId!, taskId: taskId!, body });
      } catch (err) {
        const e = toAppError(err);
        if (e.code === "INTERNAL") throw err;
        await reads.reconcile(runId!);
        return _page(await renderRun(runId!, `${e.code}: ${e.message}`), _httpStatus(e));
      }
      return new Response(null, {
        status: 303,
        headers: _headers("text/plain", { location: runPath(runId!) }),
      });
    }],
    ["GET", /^\/artifact\/(\d+)$/, async ([id]) => {
      const { artifact, content } = await reads.inbox.getArtifact(Number(id));
      // Worker-supplied bytes: always a download, never rendered on this origin.
      const name = artifact.name.replace(/[^A-Za-z0-9._-]/g, "_") || "artifact";
      return new Response(content as Uint8Array<ArrayBuffer>, {
        headers: _headers("application/octet-stream", {
          "content-disposition": `attachment; filename="${name}"`,
          "content-security-policy": "default-src 'none'; sandbox",
        }),
      });
    }],
  ];

  async function renderRun(runId: string, error?: string): Promise<string> {
    return await reads.db.read(async () => {
      const { run, counts } = await reads.showRun(runId);
      const tasks = await boardTasks(reads, runId);
      return runPage({
        run,
        counts,
        tasks,
        graphSvg: graphOf(runId, tasks),
        cursor: await lastEventId(reads, runId),
        council: run.kind === "council" ? await councilOf(runId) : undefined,
        error,
      });
    });
  }

  async function attemptThreads(runId: string, taskId: string): Promise<AttemptThread[]> {
    return await reads.db.read(
      async () => (await mapSeq(
        (await taskAttempts(reads, runId, taskId)).attempts,
        async (attempt) => ({
          attempt,
          ...await reads.inbox.showThread(attempt.thread_id),
        }),
      )),
    );
  }

  async function eventStream(runId: string, req: Request): Promise<Response> {
    await reads.getRun(runId);
    const url = new URL(req.url);
    const resume = req.headers.get("last-event-id") ?? url.searchParams.get("after") ?? "0";
    let cursor = /^\d+$/.test(resume) ? Number(resume) : 0;
    const stop = new AbortController();
    const abort = () => stop.abort();
    closing.signal.addEventListener("abort", abort);
    req.signal.addEventListener("abort", abort);
    const body = new ReadableStream<Uint8Array>({
      start: async (controller) => {
        const send = (text: string) => controller.enqueue(_encoder.encode(text));
        send(": stream open\n\n");
        try {
          while (!stop.signal.aborted) {
            const events = await waitUntil(options.readDb, async () => {
              if (stop.signal.aborted) return [];
              await reads.reconcile(runId);
              const found = await reads.eventsAfter(runId, cursor, []);
              return found.length ? found : undefined;
            }, { timeoutMs: KEEPALIVE_MS });
            if (stop.signal.aborted) break;
            if (events === undefined) {
              send(": keep-alive\n\n");
              continue;
            }
            cursor = events[events.length - 1]!.id;
            const ids = [...new Set(events.flatMap((e) => e.task_id ? [e.task_id] : []))];
            const payload = await reads.db.read(async () => ({
              cursor,
              events: events.map((e) => ({ id: e.id, type: e.type, task_id: e.task_id })),
              tasks: ids.length ? await boardTasks(reads, runId, ids) : [],
              counts: await reads.countTasks(runId),
              graph_changed: events.some((e) => _SHAPE_EVENTS.has(e.type)),
            }));
            send(`id: ${cursor}\nevent: update\ndata: ${JSON.stringify(payload)}\n\n`);
          }
        } catch {
          // The client went away (enqueue on a closed stream) or the store failed: end the stream.
        } finally {
          closing.signal.removeEventListener("abort", abort);
          try {
            controller.close();
          } catch { /* already closed */ }
        }
      },
      cancel: () => stop.abort(),
    });
    return new Response(body, {
      headers: _headers("text/event-stream; charset=utf-8", { "x-accel-buffering": "no" }),
    });
  }

  async function handle(req: Request): Promise<Response> {
    const verdict = guard(req, port, token);
    if (verdict.kind === "refuse") {
      return _page(errorPage(verdict.code, verdict.message), verdict.status);
    }
    if (verdict.kind === "adopt") {
      return new Response(null, {
        status: 303,
        headers: _headers("text/plain", {
          location: verdict.location,
          "set-cookie": verdict.cookie,
        }),
      });
    }
    const path = new URL(req.url).pathname;
    const method = req.method === "HEAD" ? "GET" : req.method;
    let pathMatched = false;
    for (const [m, pattern, fn] of routes) {
      const match = pattern.exec(path);
      if (!match) continue;
      pathMatched = true;
      if (m !== method) continue;
      try {
        return await fn(match.slice(1).map(decodeURIComponent), req);
      } catch (err) {
        const e = toAppError(err);
        return _page(errorPage(e.code, e.message), _httpStatus(e));
      }
    }
    return pathMatched
      ? _page(errorPage("METHOD_NOT_ALLOWED", `Method "${req.method}" is not allowed here`), 405)
      : _page(errorPage("NOT_FOUND", `No page at "${path}"`), 404);
  }

  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = Deno.serve({
      hostname: "127.0.0.1",
      port: options.port,
      signal: closing.signal,
      onListen: () => {},
      onError: (err) => {
        const e = toAppError(err);
        return _page(errorPage(e.code, e.message), 500);
      },
    }, handle);
  } catch (err) {
    if (err instanceof Deno.errors.AddrInUse) {
      throw new AppError(
        "INVALID_INPUT",
        `Port ${options.port} is in use: pick another or pass 0`,
        { port: options.port },
      );
    }
    throw err;
  }
  port = server.addr.port;
  return Promise.resolve({
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    shutdown: async () => {
      closing.abort();
      await server.finished;
    },
    finished: server.finished,
  });
}

/** Reads one field of a urlencoded or multipart form, bounded in size. */
async function _formField(req: Request, name: string): Promise<string> {
  const length = Number(req.headers.get("content-length") ?? "0");
  if (length > MAX_FORM_BYTES) {
    throw new AppError("INVALID_INPUT", `Form is larger than ${MAX_FORM_BYTES} bytes`, {
      max_bytes: MAX_FORM_BYTES,
    });
  }
  let form: FormData;
  try {
    form = await req.formData();
  } catch {
    throw new AppError("INVALID_INPUT", "Could not read the form");
  }
  const value = form.get(name);
  if (typeof value !== "string" || value.trim() === "") {
    throw new AppError("INVALID_INPUT", `The "${name}" field is empty`, { field: name });
  }
  return value;
}
