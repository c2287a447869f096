-- 004: the execution mode a task is planned with (`orch task add --execution-mode`), used by
-- dispatch when it is not given. NULL: not planned, dispatch must say.
ALTER TABLE tasks ADD COLUMN execution_mode TEXT CHECK (execution_mode IN ('analysis', 'code'));
