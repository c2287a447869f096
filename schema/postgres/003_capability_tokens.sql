-- 003 (PostgreSQL): capability tokens, as schema/003_capability_tokens.sql. Only SHA-256 hashes
-- are stored.

-- One row once `init --require-tokens` made the database strict; no row means tokens are off.
CREATE TABLE access_control (
  singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
  leader_token_sha256 TEXT NOT NULL,
  created_at TEXT NOT NULL
);

-- The token of the worker of a thread (one per attempt): the agent it speaks for and its hash.
CREATE TABLE thread_tokens (
  thread_id BIGINT PRIMARY KEY REFERENCES threads (id),
  agent TEXT NOT NULL,
  token_sha256 TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL
);
