-- 001: shared events, inbox threads/messages/cursors/artifacts, orch runs/tasks/deps/attempts.
-- Migrations are only ever appended; never edit one that has shipped.

CREATE TABLE events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  ts TEXT NOT NULL,
  run_id TEXT,
  task_id TEXT,
  thread_id INTEGER,
  type TEXT NOT NULL,
  payload TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX events_run ON events (run_id, id) WHERE run_id IS NOT NULL;
CREATE INDEX events_thread ON events (thread_id, id) WHERE thread_id IS NOT NULL;

CREATE TABLE threads (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL CHECK (kind IN ('task', 'question', 'review', 'note')),
  from_agent TEXT NOT NULL,
  to_agent TEXT NOT NULL,
  subject TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN
    ('open', 'claimed', 'in_progress', 'blocked', 'verifying', 'done', 'failed', 'cancelled')),
  claimed_by TEXT,
  lease_expires_at TEXT,
  lease_seconds INTEGER,
  lease_epoch INTEGER NOT NULL DEFAULT 0,
  progress INTEGER CHECK (progress BETWEEN 0 AND 100),
  idempotency_key TEXT UNIQUE,
  result_contract TEXT,
  run_id TEXT,
  task_id TEXT,
  attempt_id INTEGER,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX threads_to_status ON threads (to_agent, status, id);
CREATE INDEX threads_status ON threads (status, id);
CREATE INDEX threads_from ON threads (from_agent, id);
CREATE INDEX threads_run ON threads (run_id, task_id) WHERE run_id IS NOT NULL;

CREATE TABLE messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  thread_id INTEGER NOT NULL REFERENCES threads (id),
  from_agent TEXT NOT NULL,
  to_agent TEXT NOT NULL,
  type TEXT NOT NULL CHECK (type IN
    ('task', 'progress', 'question', 'reply', 'result', 'failure', 'cancel', 'note')),
  body TEXT NOT NULL DEFAULT '',
  payload TEXT,
  lease_epoch INTEGER,
  ts TEXT NOT NULL
);
CREATE INDEX messages_thread ON messages (thread_id, id);
CREATE INDEX messages_to ON messages (to_agent, id);

CREATE TABLE read_cursors (
  agent TEXT PRIMARY KEY,
  last_message_id INTEGER NOT NULL
);

CREATE TABLE artifacts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  thread_id INTEGER NOT NULL REFERENCES threads (id),
  message_id INTEGER NOT NULL REFERENCES messages (id),
  name TEXT NOT NULL,
  media_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  content BLOB NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX artifacts_thread ON artifacts (thread_id, id);

CREATE TABLE runs (
  id TEXT PRIMARY KEY,
  goal TEXT NOT NULL,
  summary TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL CHECK (status IN ('active', 'completed', 'cancelled')),
  kind TEXT NOT NULL DEFAULT 'run',
  meta TEXT,
  reconciled_event_id INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE tasks (
  run_id TEXT NOT NULL REFERENCES runs (id),
  id TEXT NOT NULL,
  title TEXT NOT NULL,
  summary TEXT NOT NULL DEFAULT '',
  default_to TEXT,
  acceptance TEXT,
  status TEXT NOT NULL CHECK (status IN
    ('pending', 'dispatched', 'in_progress', 'blocked', 'verifying', 'done', 'failed', 'cancelled')),
  seq INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (run_id, id)
);
CREATE INDEX tasks_status ON tasks (run_id, status);
CREATE INDEX tasks_seq ON tasks (run_id, seq);

CREATE TABLE deps (
  run_id TEXT NOT NULL,
  task_id TEXT NOT NULL,
  depends_on TEXT NOT NULL,
  PRIMARY KEY (run_id, task_id, depends_on),
  FOREIGN KEY (run_id, task_id) REFERENCES tasks (run_id, id),
  FOREIGN KEY (run_id, depends_on) REFERENCES tasks (run_id, id)
) WITHOUT ROWID;
CREATE INDEX deps_reverse ON deps (run_id, depends_on, task_id);

CREATE TABLE attempts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL,
  task_id TEXT NOT NULL,
  n INTEGER NOT NULL,
  assigned_to TEXT NOT NULL,
  thread_id INTEGER NOT NULL REFERENCES threads (id),
  execution_mode TEXT NOT NULL CHECK (execution_mode IN ('analysis', 'code')),
  status TEXT NOT NULL CHECK (status IN
    ('dispatched', 'in_progress', 'blocked', 'verifying', 'done', 'failed', 'cancelled')),
  stale_at TEXT,
  repo_path TEXT,
  base_ref TEXT,
  base_commit TEXT,
  branch_name TEXT,
  worktree_path TEXT,
  workspace_status TEXT CHECK (workspace_status IN ('active', 'cleaned', 'missing')),
  idempotency_key TEXT UNIQUE,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (run_id, task_id, n),
  FOREIGN KEY (run_id, task_id) REFERENCES tasks (run_id, id)
);
CREATE INDEX attempts_thread ON attempts (thread_id);
-- Live attempts not yet reported stale: what reconcile's dead-worker check reads.
CREATE INDEX attempts_live ON attempts (run_id)
  WHERE stale_at IS NULL AND status IN ('in_progress', 'blocked', 'verifying');
