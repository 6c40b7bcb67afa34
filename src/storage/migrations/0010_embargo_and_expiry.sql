-- Embargo and expiry. An article whose `embargoed_until` has not passed is shown only
-- to editors and to partner keys with embargo access; one whose `expires_at` has
-- passed is shown to editors only. Both are Unix seconds; NULL means none.
ALTER TABLE articles ADD COLUMN embargoed_until INTEGER;
ALTER TABLE articles ADD COLUMN expires_at INTEGER;
CREATE INDEX articles_embargoed_until ON articles (embargoed_until) WHERE embargoed_until IS NOT NULL;
CREATE INDEX articles_expires_at ON articles (expires_at) WHERE expires_at IS NOT NULL;

-- Partner keys that receive embargoed items early.
ALTER TABLE api_keys ADD COLUMN embargo INTEGER NOT NULL DEFAULT 0;
-- Webhooks that deliver to that same early audience.
ALTER TABLE webhooks ADD COLUMN embargo INTEGER NOT NULL DEFAULT 0;

-- The early audience of each change, as was_public/is_public are the public's: the
-- early audience saw the resource just before the change, or sees it just after.
-- Every change the public saw, the early audience saw too.
ALTER TABLE changes ADD COLUMN was_early INTEGER NOT NULL DEFAULT 0;
ALTER TABLE changes ADD COLUMN is_early INTEGER NOT NULL DEFAULT 0;
UPDATE changes SET was_early = was_public, is_early = is_public;
CREATE INDEX changes_early ON changes (seq) WHERE was_early OR is_early;
