-- 004: full-text search over thread subjects and message bodies (`inbox search`).
-- Two external-content FTS5 indexes (the text lives once, in threads/messages),
-- kept in step by triggers, so every write path updates them in its own
-- transaction. The 'rebuild' commands index what an existing database holds.

CREATE VIRTUAL TABLE threads_fts USING fts5(
  subject,
  content = 'threads',
  content_rowid = 'id',
  tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE messages_fts USING fts5(
  body,
  content = 'messages',
  content_rowid = 'id',
  tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER threads_fts_insert AFTER INSERT ON threads BEGIN
  INSERT INTO threads_fts (rowid, subject) VALUES (new.id, new.subject);
END;
CREATE TRIGGER threads_fts_delete AFTER DELETE ON threads BEGIN
  INSERT INTO threads_fts (threads_fts, rowid, subject) VALUES ('delete', old.id, old.subject);
END;
CREATE TRIGGER threads_fts_update AFTER UPDATE OF subject ON threads BEGIN
  INSERT INTO threads_fts (threads_fts, rowid, subject) VALUES ('delete', old.id, old.subject);
  INSERT INTO threads_fts (rowid, subject) VALUES (new.id, new.subject);
END;

CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
  INSERT INTO messages_fts (rowid, body) VALUES (new.id, new.body);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', old.id, old.body);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF body ON messages BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', old.id, old.body);
  INSERT INTO messages_fts (rowid, body) VALUES (new.id, new.body);
END;

INSERT INTO threads_fts (threads_fts) VALUES ('rebuild');
INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');
