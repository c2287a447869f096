-- 008 (PostgreSQL): what `orch status` reads per task, kept on the row, as
-- schema/008_status_columns.sql. The id lists are written as JSON.stringify writes them.

ALTER TABLE tasks ADD COLUMN depends_on_json TEXT NOT NULL DEFAULT '[]';
ALTER TABLE tasks ADD COLUMN latest_attempt_id BIGINT;
ALTER TABLE threads ADD COLUMN last_message_id BIGINT;

UPDATE tasks SET
  depends_on_json = COALESCE((
    SELECT '[' || string_agg(to_json(d.depends_on)::text, ',' ORDER BY u.seq) || ']'
    FROM deps d JOIN tasks u ON u.run_id = d.run_id AND u.id = d.depends_on
    WHERE d.run_id = tasks.run_id AND d.task_id = tasks.id), '[]'),
  latest_attempt_id = (
    SELECT a.id FROM attempts a
    WHERE a.run_id = tasks.run_id AND a.task_id = tasks.id ORDER BY a.n DESC LIMIT 1);

UPDATE threads SET last_message_id = (SELECT MAX(m.id) FROM messages m WHERE m.thread_id = threads.id);
