import { mapSeq } from "../map_seq.ts";
import type { Db, Row, SqlValue } from "../../storage/db.ts";
import { AppError } from "../../protocol/errors.ts";
import type { MessageType, ThreadStatus } from "../inbox_types.ts";
import { ftsQuery } from "./search_query.ts";

/** Hits returned when no limit is given. */
export const DEFAULT_SEARCH_LIMIT = 20;
/** Words of context on each side of a match in a snippet. */
const _SNIPPET_TOKENS = 16;
/** Marks around matched words in snippets (Markdown bold). */
export const SNIPPET_OPEN = "**";
export const SNIPPET_CLOSE = "**";
const _ELLIPSIS = "…";

export interface SearchOptions {
  /** Only threads this agent takes part in (sender, addressee or holder). */
  agent?: string;
  /** Only threads of this orch run. */
  runId?: string;
  limit?: number;
}

/** One search result: a thread whose subject matched, or a message whose body did. */
export interface SearchHit {
  kind: "thread" | "message";
  thread_id: number;
  /** The matching message; null for a subject match. */
  message_id: number | null;
  subject: string;
  thread_status: ThreadStatus;
  run_id: string | null;
  task_id: string | null;
  from_agent: string;
  to_agent: string;
  /** The message type; null for a subject match. */
  message_type: MessageType | null;
  ts: string;
  /** The matching text around the match, matched words in `**`. */
  snippet: string;
  /** Relevance, higher is better (negated FTS5 bm25). */
  score: number;
}

function _filters(options: SearchOptions): { sql: string; params: SqlValue[] } {
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (options.agent !== undefined) {
    where.push("(t.from_agent = ? OR t.to_agent = ? OR t.claimed_by = ?)");
    params.push(options.agent, options.agent, options.agent);
  }
  if (options.runId !== undefined) {
    where.push("t.run_id = ?");
    params.push(options.runId);
  }
  return { sql: where.map((w) => " AND " + w).join(""), params };
}

const _SNIPPET_ARGS = `'${SNIPPET_OPEN}', '${SNIPPET_CLOSE}', '${_ELLIPSIS}', ${_SNIPPET_TOKENS}`;

/** How SQLite words a malformed MATCH expression. */
const _FTS_SYNTAX = /fts5: syntax error|unterminated string|unknown special query/i;

function _hit(kind: SearchHit["kind"], r: Row): SearchHit {
  return {
    kind,
    thread_id: Number(r["thread_id"]),
    message_id: r["message_id"] == null ? null : Number(r["message_id"]),
    subject: String(r["subject"]),
    thread_status: r["thread_status"] as ThreadStatus,
    run_id: (r["run_id"] as string | null) ?? null,
    task_id: (r["task_id"] as string | null) ?? null,
    from_agent: String(r["from_agent"]),
    to_agent: String(r["to_agent"]),
    message_type: (r["message_type"] as MessageType | null) ?? null,
    ts: String(r["ts"]),
    snippet: String(r["snippet"] ?? ""),
    // bm25 is lower-is-better and negative; report higher-is-better.
    score: -Number(r["score"]),
  };
}

/**
 * How many of the newest matches of each index are ranked by relevance. A
 * word found in most messages would otherwise make every search rank them
 * all; past this many, older matches are not considered (an inbox's recent
 * work is what people look for).
 */
export const RANK_WINDOW = 1000;

interface _Source {
  fts: "threads_fts" | "messages_fts";
  kind: SearchHit["kind"];
  /** The indexed text (PostgreSQL builds snippets from it). */
  text: string;
  /** Joins from the FTS table to `t` (threads), and `m` (messages) for bodies. */
  join: string;
  columns: string;
}

const _SOURCES: readonly _Source[] = [
  {
    fts: "threads_fts",
    kind: "thread",
    text: "t.subject",
    join: "JOIN threads t ON t.id = threads_fts.rowid",
    columns: `t.id AS thread_id, NULL AS message_id, t.subject, t.status AS thread_status,
      t.run_id, t.task_id, t.from_agent, t.to_agent, NULL AS message_type, t.created_at AS ts`,
  },
  {
    fts: "messages_fts",
    kind: "message",
    text: "m.body",
    join: "JOIN messages m ON m.id = messages_fts.rowid JOIN threads t ON t.id = m.thread_id",
    columns: `t.id AS thread_id, m.id AS message_id, t.subject, t.status AS thread_status,
      t.run_id, t.task_id, m.from_agent, m.to_agent, m.type AS message_type, m.ts`,
  },
];

/** A subject's headline: the whole subject, matched words marked (as FTS5's snippet of a short text). */
const _HEADLINE_WHOLE = `StartSel=${SNIPPET_OPEN}, StopSel=${SNIPPET_CLOSE}, HighlightAll=true`;

/**
 * PostgreSQL's headline options matching the SQLite snippets: matched words
 * in `**`, about {@linkcode _SNIPPET_TOKENS} words of context, one fragment.
 */
const _HEADLINE_OPTIONS = `StartSel=${SNIPPET_OPEN}, StopSel=${SNIPPET_CLOSE}, ` +
  `MaxWords=${2 * _SNIPPET_TOKENS}, MinWords=${_SNIPPET_TOKENS}, MaxFragments=1, ` +
  `FragmentDelimiter=${_ELLIPSIS}`;

/**
 * The PostgreSQL form of {@linkcode _searchSource}: the side tables of
 * schema/postgres/005 hold a tsvector per thread or message; `text` is the
 * user's words and "quoted phrases" (websearch_to_tsquery reads them the way
 * ftsQuery does for FTS5: every word must match, phrases in order). The score
 * is ts_rank divided by 1 + log(length) (shorter matches rank higher, as with
 * bm25), negated on the way out like bm25; a subject's snippet is the whole
 * subject, as FTS5 gives it.
 */
async function _searchSourcePg(
  db: Db,
  src: _Source,
  text: string,
  f: { sql: string; params: SqlValue[] },
  limit: number,
): Promise<SearchHit[]> {
  const q = "websearch_to_tsquery('english', ?)";
  const from = `FROM ${src.fts} ${src.join} WHERE ${src.fts}.document @@ ${q}${f.sql}`;
  const cutoff = Number(
    (await db.get(
      `SELECT ${src.fts}.rowid AS id ${from} ORDER BY ${src.fts}.rowid DESC LIMIT 1 OFFSET ?`,
      text,
      ...f.params,
      RANK_WINDOW - 1,
    ))?.["id"] ?? 0,
  );
  const rows = await db.all(
    `SELECT ${src.columns}, ${src.fts}.rowid AS fts_rowid,
       -ts_rank(${src.fts}.document, ${q}, 1) AS score,
       ts_headline('english', ${src.text}, ${q}, '${
      src.kind === "thread" ? _HEADLINE_WHOLE : _HEADLINE_OPTIONS
    }') AS snippet
     ${from} AND ${src.fts}.rowid >= ? ORDER BY score, ${src.fts}.rowid DESC LIMIT ?`,
    text,
    text,
    text,
    ...f.params,
    cutoff,
    limit,
  );
  return rows.map((r) => _hit(src.kind, r));
}

/** The best `limit` hits of one index: rank the newest RANK_WINDOW matches, then snippet the few kept. */
async function _searchSource(
  db: Db,
  src: _Source,
  match: string,
  f: { sql: string; params: SqlValue[] },
  limit: number,
): Promise<SearchHit[]> {
  const from = `FROM ${src.fts} ${src.join} WHERE ${src.fts} MATCH ?${f.sql}`;
  const cutoff = Number(
    (await db.get(
      `SELECT ${src.fts}.rowid AS id ${from} ORDER BY ${src.fts}.rowid DESC LIMIT 1 OFFSET ?`,
      match,
      ...f.params,
      RANK_WINDOW - 1,
    ))?.["id"] ?? 0,
  );
  const rows = await db.all(
    `SELECT ${src.columns}, ${src.fts}.rowid AS fts_rowid, bm25(${src.fts}) AS score
     ${from} AND ${src.fts}.rowid >= ? ORDER BY score, ${src.fts}.rowid DESC LIMIT ?`,
    match,
    ...f.params,
    BigInt(cutoff),
    limit,
  );
  return (await mapSeq(rows, async (r) => {
    const snippet = (await db.get(
      `SELECT snippet(${src.fts}, 0, ${_SNIPPET_ARGS}) AS snippet FROM ${src.fts}
        WHERE ${src.fts} MATCH ? AND rowid = ?`,
      match,
      // A JS number binds as a REAL, which FTS5's rowid equality ignores: bind an integer.
      BigInt(Number(r["fts_rowid"])),
    ))?.["snippet"];
    return _hit(src.kind, { ...r, snippet });
  }));
}

/**
 * Full-text search over thread subjects and message bodies (the FTS5
 * indexes of migration 004, kept in step by triggers). `text` is plain
 * words and "quoted phrases" (see {@linkcode ftsQuery}); all must match.
 * Returns the best `limit` hits, most relevant first (bm25 among the newest
 * {@linkcode RANK_WINDOW} matches of subjects and of bodies; subject and body
 * matches ranked together).
 */
export async function searchInbox(
  db: Db,
  text: string,
  options: SearchOptions = {},
): Promise<SearchHit[]> {
  const match = ftsQuery(text);
  const limit = options.limit ?? DEFAULT_SEARCH_LIMIT;
  const f = _filters(options);
  return await db.read(async () => {
    try {
      const one = async (src: _Source) =>
        db.dialect === "postgres"
          ? await _searchSourcePg(db, src, text, f, limit)
          : await _searchSource(db, src, match, f, limit);
      return (await mapSeq(_SOURCES, one)).flat()
        .sort((a, b) => b.score - a.score || (b.message_id ?? 0) - (a.message_id ?? 0))
        .slice(0, limit);
    } catch (err) {
      if (err instanceof AppError || !_FTS_SYNTAX.test((err as Error).message)) throw err;
      // ftsQuery quotes everything, so this is not expected; still a clear code, never INTERNAL.
      throw new AppError(
        "INVALID_INPUT",
        `Cannot search for "${text}": ${(err as Error).message}`,
        { query: text },
      );
    }
  });
}
