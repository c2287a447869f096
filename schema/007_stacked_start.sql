-- 007: where a reserved workspace's branch starts when that is not its base commit (stacked
-- dispatch: the base merged with the dependencies' work; retry: the previous attempt's head),
-- so the debris of a killed dispatch is recognised and removed.

ALTER TABLE workspace_reservations ADD COLUMN start_commit TEXT;
