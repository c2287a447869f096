-- 008: what `orch status` reads per task, kept on the row instead of looked up on every read
-- (issue 11 item 17: a run of 10,000 tasks). Each column is written in the same transaction as
-- what it summarises, by one function each:
--   tasks.depends_on_json    the ids the task depends on, in their tasks' creation order
--                            (refresh_depends_on.ts, after every insert into deps);
--   tasks.latest_attempt_id  the attempt with the highest n (create_attempt.ts);
--   threads.last_message_id  the thread's message with the highest id (add_message.ts).

ALTER TABLE tasks ADD COLUMN depends_on_json TEXT NOT NULL DEFAULT '[]';
ALTER TABLE tasks ADD COLUMN latest_attempt_id INTEGER;
ALTER TABLE threads ADD COLUMN last_message_id INTEGER;

UPDATE tasks SET
  depends_on_json = COALESCE((
    SELECT json_group_array(d.depends_on ORDER BY u.seq)
    FROM deps d JOIN tasks u ON u.run_id = d.run_id AND u.id = d.depends_on
    WHERE d.run_id = tasks.run_id AND d.task_id = tasks.id), '[]'),
  latest_attempt_id = (
    SELECT a.id FROM attempts a
    WHERE a.run_id = tasks.run_id AND a.task_id = tasks.id ORDER BY a.n DESC LIMIT 1);

UPDATE threads SET last_message_id = (SELECT MAX(m.id) FROM messages m WHERE m.thread_id = threads.id);
