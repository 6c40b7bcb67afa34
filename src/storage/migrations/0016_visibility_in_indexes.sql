-- The columns the visibility rule reads (status, published_at, embargoed_until,
-- expires_at) follow the body in an article's row, and a body of more than a few
-- hundred bytes pushes them onto an overflow page: deciding whether a reader may see
-- an article read two pages, and on a file larger than memory, two disk reads. These
-- indexes carry the rule's columns, so the key walks of lists (newest first, by
-- update, and by id: from a relation, a search hit or a page's join) decide it from
-- the index alone.
CREATE INDEX articles_visible_by_published
    ON articles (status, published_at, id, embargoed_until, expires_at);
CREATE INDEX articles_visible_by_updated
    ON articles (updated_at, id, status, published_at, embargoed_until, expires_at);
CREATE INDEX articles_visible_by_id
    ON articles (id, status, published_at, embargoed_until, expires_at);

-- The planner's statistics (`ANALYZE`, which `newsdesk generate` runs) describe the
-- indexes these replace; without them it would take the new ones for selective and
-- walk every published article to find a topic's. Each new index starts with its
-- predecessor's figures, the added columns counted as unique: a file never analyzed
-- keeps the planner's defaults. (Analyzing the one-row rights table makes sure the
-- statistics table exists, so these statements run on any file. `main.`: a
-- connection's own `temp.newsroom_rights` shadows the file's.)
ANALYZE main.newsroom_rights;
INSERT INTO main.sqlite_stat1 (tbl, idx, stat)
    SELECT 'articles', 'articles_visible_by_published', stat || ' 1 1'
    FROM main.sqlite_stat1 WHERE idx = 'articles_by_status';
INSERT INTO main.sqlite_stat1 (tbl, idx, stat)
    SELECT 'articles', 'articles_visible_by_updated', stat || ' 1 1 1 1'
    FROM main.sqlite_stat1 WHERE idx = 'articles_by_updated';
INSERT INTO main.sqlite_stat1 (tbl, idx, stat)
    SELECT 'articles', 'articles_visible_by_id', stat || ' 1 1 1 1'
    FROM main.sqlite_stat1 WHERE idx = 'sqlite_autoindex_articles_1';
DROP INDEX articles_by_status;
DROP INDEX articles_by_updated;
