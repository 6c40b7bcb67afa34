-- Who may read each change. A change is public when the resource was public just
-- before it or is public just after it: a draft's life stays with the editors, a
-- withdrawal of a published article reaches the mirrors as a tombstone.
ALTER TABLE changes ADD COLUMN was_public INTEGER NOT NULL DEFAULT 0;
ALTER TABLE changes ADD COLUMN is_public INTEGER NOT NULL DEFAULT 0;
CREATE INDEX changes_public ON changes (seq) WHERE was_public OR is_public;

-- Logs written before this knew no audience. Judge them by what is public now:
-- articles and quotes that are public, and every participant and event, stay in
-- the public log; so do the withdrawals and deletes that told mirrors to drop a copy.
UPDATE changes SET is_public = 1
WHERE resource_type IN ('participant', 'event')
   OR (resource_type = 'article' AND resource_id IN (SELECT id FROM articles
        WHERE status = 'published' AND published_at <= unixepoch()))
   OR (resource_type = 'quote' AND resource_id IN (SELECT q.id FROM quotes q
        JOIN articles a ON a.id = q.article
        WHERE a.status = 'published' AND a.published_at <= unixepoch()));
UPDATE changes SET was_public = 1 WHERE reason IN ('withdrawn', 'deleted');

-- Scheduled articles fall due from here on; the mark exists from the start, so the
-- scheduler only writes when something falls due.
INSERT OR IGNORE INTO meta (key, value) VALUES ('due_announced_until', CAST(unixepoch() AS TEXT));
