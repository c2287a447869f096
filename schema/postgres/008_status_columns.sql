-- 008 (PostgreSQL): what `orch status` reads per task, kept on the row by triggers, as
-- schema/008_status_columns.sql. The id lists are written as SQLite's json_group_array writes them.

ALTER TABLE tasks ADD COLUMN depends_on_json TEXT NOT NULL DEFAULT '[]';
ALTER TABLE tasks ADD COLUMN latest_attempt_id BIGINT;
ALTER TABLE threads ADD COLUMN last_message_id BIGINT;

CREATE FUNCTION task_depends_on_json(p_run TEXT, p_task TEXT) RETURNS TEXT LANGUAGE sql STABLE AS $$
  SELECT COALESCE('[' || string_agg(to_json(d.depends_on)::text, ',' ORDER BY u.seq) || ']', '[]')
  FROM deps d JOIN tasks u ON u.run_id = d.run_id AND u.id = d.depends_on
  WHERE d.run_id = p_run AND d.task_id = p_task
$$;

UPDATE tasks SET
  depends_on_json = task_depends_on_json(tasks.run_id, tasks.id),
  latest_attempt_id = (
    SELECT a.id FROM attempts a
    WHERE a.run_id = tasks.run_id AND a.task_id = tasks.id ORDER BY a.n DESC LIMIT 1);

UPDATE threads SET last_message_id = (SELECT MAX(m.id) FROM messages m WHERE m.thread_id = threads.id);

CREATE FUNCTION deps_status_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE tasks SET depends_on_json = task_depends_on_json(NEW.run_id, NEW.task_id)
  WHERE run_id = NEW.run_id AND id = NEW.task_id;
  RETURN NULL;
END;
$$;
CREATE TRIGGER deps_status_insert AFTER INSERT ON deps
  FOR EACH ROW EXECUTE FUNCTION deps_status_sync();

CREATE FUNCTION attempts_status_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE tasks SET latest_attempt_id = NEW.id
  WHERE run_id = NEW.run_id AND id = NEW.task_id AND (latest_attempt_id IS NULL
    OR NEW.n > (SELECT a.n FROM attempts a WHERE a.id = tasks.latest_attempt_id));
  RETURN NULL;
END;
$$;
CREATE TRIGGER attempts_status_insert AFTER INSERT ON attempts
  FOR EACH ROW EXECUTE FUNCTION attempts_status_sync();

CREATE FUNCTION messages_status_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE threads SET last_message_id = NEW.id
  WHERE id = NEW.thread_id AND (last_message_id IS NULL OR NEW.id > last_message_id);
  RETURN NULL;
END;
$$;
CREATE TRIGGER messages_status_insert AFTER INSERT ON messages
  FOR EACH ROW EXECUTE FUNCTION messages_status_sync();
