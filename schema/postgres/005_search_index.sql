-- 005 (PostgreSQL): full-text search over thread subjects and message bodies (`inbox search`), the
-- counterpart of schema/005_search_index.sql's FTS5 indexes. Each index is a side table with the
-- same name, keyed by `rowid` (the id of the thread or message, so `JOIN threads t ON t.id =
-- threads_fts.rowid` reads the same on both backends), holding a tsvector with a GIN index. Triggers
-- keep them in step, so every write path updates them in its own transaction; the INSERTs at the
-- end index what an existing database holds. The 'english' configuration stems (like FTS5's porter
-- tokenizer); diacritics are kept (FTS5 removed them; unaccent is an extension we do not require).
-- Queries: `document @@ websearch_to_tsquery('english', ?)`, ranked by ts_rank, snippets by
-- ts_headline.

CREATE TABLE threads_fts (
  rowid BIGINT PRIMARY KEY,
  document TSVECTOR NOT NULL
);
CREATE INDEX threads_fts_document ON threads_fts USING GIN (document);

CREATE TABLE messages_fts (
  rowid BIGINT PRIMARY KEY,
  document TSVECTOR NOT NULL
);
CREATE INDEX messages_fts_document ON messages_fts USING GIN (document);

CREATE FUNCTION threads_fts_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    DELETE FROM threads_fts WHERE rowid = OLD.id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO threads_fts (rowid, document)
      VALUES (NEW.id, to_tsvector('english', NEW.subject));
  END IF;
  RETURN NULL;
END;
$$;
CREATE TRIGGER threads_fts_insert AFTER INSERT ON threads
  FOR EACH ROW EXECUTE FUNCTION threads_fts_sync();
CREATE TRIGGER threads_fts_delete AFTER DELETE ON threads
  FOR EACH ROW EXECUTE FUNCTION threads_fts_sync();
CREATE TRIGGER threads_fts_update AFTER UPDATE OF subject ON threads
  FOR EACH ROW EXECUTE FUNCTION threads_fts_sync();

CREATE FUNCTION messages_fts_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    DELETE FROM messages_fts WHERE rowid = OLD.id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO messages_fts (rowid, document)
      VALUES (NEW.id, to_tsvector('english', NEW.body));
  END IF;
  RETURN NULL;
END;
$$;
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages
  FOR EACH ROW EXECUTE FUNCTION messages_fts_sync();
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages
  FOR EACH ROW EXECUTE FUNCTION messages_fts_sync();
CREATE TRIGGER messages_fts_update AFTER UPDATE OF body ON messages
  FOR EACH ROW EXECUTE FUNCTION messages_fts_sync();

INSERT INTO threads_fts (rowid, document) SELECT id, to_tsvector('english', subject) FROM threads;
INSERT INTO messages_fts (rowid, document) SELECT id, to_tsvector('english', body) FROM messages;
