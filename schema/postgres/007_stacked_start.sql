-- 007 (PostgreSQL): where a reserved workspace's branch starts when that is not its base commit,
-- as schema/007_stacked_start.sql.

ALTER TABLE workspace_reservations ADD COLUMN start_commit TEXT;
