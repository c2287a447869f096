-- 002 (PostgreSQL): what a code attempt delivered, as schema/002_code_results.sql.
-- Migrations are only ever appended; never edit one that has shipped.

-- Acceptance, set by reconcile after the worker's `done` (code mode only).
ALTER TABLE attempts ADD COLUMN result TEXT
  CHECK (result IN ('accepted', 'no_changes', 'needs_attention'));
ALTER TABLE attempts ADD COLUMN attention_reason TEXT;
ALTER TABLE attempts ADD COLUMN head_commit TEXT;
ALTER TABLE attempts ADD COLUMN commits_ahead BIGINT;
ALTER TABLE attempts ADD COLUMN files_changed BIGINT;
ALTER TABLE attempts ADD COLUMN verified_at TEXT;
-- Integration by `orch merge`.
ALTER TABLE attempts ADD COLUMN merge_status TEXT
  CHECK (merge_status IN ('merged', 'merge_conflict', 'check_failed', 'dependency_left_out'));
ALTER TABLE attempts ADD COLUMN merge_commit TEXT;
ALTER TABLE attempts ADD COLUMN merged_into TEXT;
ALTER TABLE attempts ADD COLUMN merge_detail TEXT;
ALTER TABLE attempts ADD COLUMN merged_at TEXT;
-- Stacked dispatch: JSON list of the dependency commits the attempt's branch includes.
ALTER TABLE attempts ADD COLUMN included_deps TEXT;
-- The commit the branch started at: base_commit, or the base merged with the dependencies.
ALTER TABLE attempts ADD COLUMN start_commit TEXT;
-- The branch `orch merge` was last asked to integrate the run into.
ALTER TABLE runs ADD COLUMN merge_target TEXT;
