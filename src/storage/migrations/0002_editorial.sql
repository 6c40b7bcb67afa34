-- Editing: publication status, versions and corrections, API keys, and the change log
-- that every write appends to.

-- 'scheduled' is not stored: it is a published article whose time has not come.
ALTER TABLE articles ADD COLUMN status TEXT NOT NULL DEFAULT 'published'
    CHECK (status IN ('draft', 'published', 'withdrawn'));
ALTER TABLE articles ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
-- The name of the key that made the current version; NULL for the fixtures.
ALTER TABLE articles ADD COLUMN changed_by TEXT;
CREATE INDEX articles_by_status ON articles (status, published_at, id);

-- Every superseded version of an article, as it was served.
CREATE TABLE article_versions (
    article    TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    version    INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    changed_by TEXT,
    snapshot   TEXT NOT NULL, -- JSON of the article
    PRIMARY KEY (article, version)
) STRICT;

CREATE TABLE article_corrections (
    article TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    note    TEXT NOT NULL,
    at      INTEGER NOT NULL,
    PRIMARY KEY (article, version)
) STRICT;

CREATE TABLE api_keys (
    id         TEXT PRIMARY KEY,           -- the public part of the key
    name       TEXT NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('editor', 'partner')),
    hash       BLOB NOT NULL,              -- HMAC-SHA256 of the secret part
    rate_limit INTEGER,                    -- requests per minute; NULL: the default
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
) STRICT;

-- One row per committed write, in commit order: the changes feed, the webhook outbox
-- and the cache generation all read it.
CREATE TABLE changes (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    resource_type TEXT NOT NULL,
    resource_id   TEXT NOT NULL,
    operation     TEXT NOT NULL CHECK (operation IN ('create', 'update', 'delete')),
    reason        TEXT NOT NULL,
    at            INTEGER NOT NULL,
    changed_by    TEXT
) STRICT;
CREATE INDEX changes_by_resource ON changes (resource_type, resource_id, seq);
