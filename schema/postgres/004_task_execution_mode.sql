-- 004 (PostgreSQL): the execution mode a task is planned with, as
-- schema/004_task_execution_mode.sql. NULL: not planned, dispatch must say.
ALTER TABLE tasks ADD COLUMN execution_mode TEXT CHECK (execution_mode IN ('analysis', 'code'));
