-- 006: a random id for this database (in attempt branch and worktree names, so two databases
-- on one repository never share a name), and reservations of code-mode attempts whose worktree
-- is being made outside the write transaction.

CREATE TABLE database_identity (
  singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
  id TEXT NOT NULL
);
INSERT INTO database_identity (singleton, id) VALUES (1, lower(hex(randomblob(4))));

-- One row while a code-mode dispatch (or retry, reassign) makes attempt n's worktree: written
-- before git runs, deleted in the transaction that creates the attempt (or when the dispatch
-- fails). `creating` is set once the path and branch were found free (under the lock), right
-- before git runs: from then on whatever is at them is this dispatch's. A row whose lock file
-- nobody holds is debris of a killed dispatch: its worktree and branch were never handed to a
-- worker, and the next dispatch of the task or cleanup removes them.
CREATE TABLE workspace_reservations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL,
  task_id TEXT NOT NULL,
  n INTEGER NOT NULL,
  repo_path TEXT NOT NULL,
  base_ref TEXT NOT NULL,
  base_commit TEXT NOT NULL,
  branch_name TEXT NOT NULL,
  worktree_path TEXT NOT NULL,
  lock_path TEXT NOT NULL,
  creating INTEGER NOT NULL DEFAULT 0 CHECK (creating IN (0, 1)),
  created_at TEXT NOT NULL,
  UNIQUE (run_id, task_id),
  FOREIGN KEY (run_id, task_id) REFERENCES tasks (run_id, id)
);
