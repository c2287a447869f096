-- 008: what `orch status` reads per task, kept on the row instead of looked up on every read
-- (issue 11 item 17: a run of 10,000 tasks). Triggers keep each column in step with what it
-- summarises, in the same statement, whoever inserts (nothing deletes these rows):
--   tasks.depends_on_json    the ids the task depends on, in their tasks' creation order (seq);
--   tasks.latest_attempt_id  the task's attempt with the highest n;
--   threads.last_message_id  the thread's message with the highest id.

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

CREATE TRIGGER deps_status_insert AFTER INSERT ON deps BEGIN
  UPDATE tasks SET depends_on_json = (
    SELECT json_group_array(d.depends_on ORDER BY u.seq)
    FROM deps d JOIN tasks u ON u.run_id = d.run_id AND u.id = d.depends_on
    WHERE d.run_id = new.run_id AND d.task_id = new.task_id)
  WHERE run_id = new.run_id AND id = new.task_id;
END;

CREATE TRIGGER attempts_status_insert AFTER INSERT ON attempts BEGIN
  UPDATE tasks SET latest_attempt_id = new.id
  WHERE run_id = new.run_id AND id = new.task_id AND (latest_attempt_id IS NULL
    OR new.n > (SELECT a.n FROM attempts a WHERE a.id = tasks.latest_attempt_id));
END;

CREATE TRIGGER messages_status_insert AFTER INSERT ON messages BEGIN
  UPDATE threads SET last_message_id = new.id
  WHERE id = new.thread_id AND (last_message_id IS NULL OR new.id > last_message_id);
END;
