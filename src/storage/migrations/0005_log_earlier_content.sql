-- Content written before the change log existed (databases of the first schema) has
-- no entry in it, so a mirror that replays the log, or a webhook subscriber, would
-- never hear of it. Log each such resource as created, in the order the fixtures
-- load (participants, events, articles, quotes), stamped with its own update time.
-- On a database whose content all came through the log this inserts nothing.
INSERT INTO changes (resource_type, resource_id, operation, reason, at, changed_by)
SELECT kind, id, 'create', 'created', at, by FROM (
    SELECT 1 AS k, rowid AS r, 'participant' AS kind, id, updated_at AS at, NULL AS by
    FROM participants
    UNION ALL SELECT 2, rowid, 'event', id, updated_at, NULL FROM events
    UNION ALL SELECT 3, rowid, 'article', id, updated_at, changed_by FROM articles
    UNION ALL SELECT 4, rowid, 'quote', id, updated_at, NULL FROM quotes
) AS content
WHERE NOT EXISTS (
    SELECT 1 FROM changes c WHERE c.resource_type = content.kind AND c.resource_id = content.id
)
ORDER BY k, r;
