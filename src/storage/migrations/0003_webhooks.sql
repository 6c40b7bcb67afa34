-- Webhook subscriptions. Each keeps its own position in the change log: deliveries
-- are the log itself read from there, so they survive restarts and need no queue.
CREATE TABLE webhooks (
    id                TEXT PRIMARY KEY,
    url               TEXT NOT NULL,
    types             TEXT NOT NULL DEFAULT '[]', -- JSON array; empty: every type
    secret            TEXT NOT NULL,              -- the HMAC key of the signatures
    created_at        INTEGER NOT NULL,
    created_by        TEXT,
    next_seq          INTEGER NOT NULL,           -- the first change not yet delivered
    attempts          INTEGER NOT NULL DEFAULT 0, -- failures in a row at next_seq
    next_attempt_at   INTEGER NOT NULL DEFAULT 0,
    last_error        TEXT,
    last_delivered_at INTEGER
) STRICT;
