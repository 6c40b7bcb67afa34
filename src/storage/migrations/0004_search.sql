-- Full-text search: one FTS5 index per resource, ranked with bm25.
--
-- Each index is "external content": it stores only the index, and reads the text
-- (for snippets) from a view over the resource's table, keyed by the table's rowid.
-- The view is the one definition of what is searchable; the triggers feed the index
-- from it, so the index follows every insert, update and delete whatever code writes
-- the tables. FTS5 reads its content with table-valued functions disabled, so the
-- views walk JSON arrays with a recursive CTE and json_extract, not json_each. After anything that renumbers rowids (a table rebuild), run
-- `INSERT INTO <x>_fts(<x>_fts) VALUES ('rebuild')`.
--
-- Tokens are Unicode words, case- and accent-folded (`Antonio` finds `António`). No
-- stemming: with a stemmer a prefix query stops matching once it runs past the stem
-- (`securit*` would not find `security`, stored as `secur`), and prefixes serve
-- type-ahead; `meeting*` finds `meetings`.

-- Articles: headline, summary and the text of every body block, in reading order.
CREATE VIEW articles_search AS
SELECT a.rowid AS doc, a.headline AS headline, a.summary AS summary,
       (WITH RECURSIVE block(n) AS (
            SELECT 0 WHERE json_array_length(a.body) > 0
            UNION ALL SELECT n + 1 FROM block WHERE n + 1 < json_array_length(a.body))
        SELECT group_concat(json_extract(a.body, '$[' || n || '].text'), char(10)) FROM block) AS body
FROM articles a;

CREATE VIRTUAL TABLE articles_fts USING fts5(
    headline, summary, body,
    content = 'articles_search', content_rowid = 'doc',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER articles_search_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts (rowid, headline, summary, body)
    SELECT doc, headline, summary, body FROM articles_search WHERE doc = new.rowid;
END;
CREATE TRIGGER articles_search_delete BEFORE DELETE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, headline, summary, body)
    SELECT 'delete', doc, headline, summary, body FROM articles_search WHERE doc = old.rowid;
END;
CREATE TRIGGER articles_search_unindex BEFORE UPDATE OF headline, summary, body ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, headline, summary, body)
    SELECT 'delete', doc, headline, summary, body FROM articles_search WHERE doc = old.rowid;
END;
CREATE TRIGGER articles_search_reindex AFTER UPDATE OF headline, summary, body ON articles BEGIN
    INSERT INTO articles_fts (rowid, headline, summary, body)
    SELECT doc, headline, summary, body FROM articles_search WHERE doc = new.rowid;
END;

-- Quotes: the words, the speaker's name and the topic's name.
CREATE VIEW quotes_search AS
SELECT q.rowid AS doc, q.text AS text, p.name AS speaker,
       (SELECT t.name FROM topics t WHERE t.id = q.topic) AS topic
FROM quotes q JOIN participants p ON p.id = q.speaker;

CREATE VIRTUAL TABLE quotes_fts USING fts5(
    text, speaker, topic,
    content = 'quotes_search', content_rowid = 'doc',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER quotes_search_insert AFTER INSERT ON quotes BEGIN
    INSERT INTO quotes_fts (rowid, text, speaker, topic)
    SELECT doc, text, speaker, topic FROM quotes_search WHERE doc = new.rowid;
END;
CREATE TRIGGER quotes_search_delete BEFORE DELETE ON quotes BEGIN
    INSERT INTO quotes_fts (quotes_fts, rowid, text, speaker, topic)
    SELECT 'delete', doc, text, speaker, topic FROM quotes_search WHERE doc = old.rowid;
END;
CREATE TRIGGER quotes_search_unindex BEFORE UPDATE OF text, speaker, topic ON quotes BEGIN
    INSERT INTO quotes_fts (quotes_fts, rowid, text, speaker, topic)
    SELECT 'delete', doc, text, speaker, topic FROM quotes_search WHERE doc = old.rowid;
END;
CREATE TRIGGER quotes_search_reindex AFTER UPDATE OF text, speaker, topic ON quotes BEGIN
    INSERT INTO quotes_fts (rowid, text, speaker, topic)
    SELECT doc, text, speaker, topic FROM quotes_search WHERE doc = new.rowid;
END;
-- A topic's new name changes what its quotes are found by.
CREATE TRIGGER topics_search_unindex BEFORE UPDATE OF name ON topics BEGIN
    INSERT INTO quotes_fts (quotes_fts, rowid, text, speaker, topic)
    SELECT 'delete', doc, text, speaker, topic FROM quotes_search
    WHERE doc IN (SELECT rowid FROM quotes WHERE topic = old.id);
END;
CREATE TRIGGER topics_search_reindex AFTER UPDATE OF name ON topics BEGIN
    INSERT INTO quotes_fts (rowid, text, speaker, topic)
    SELECT doc, text, speaker, topic FROM quotes_search
    WHERE doc IN (SELECT rowid FROM quotes WHERE topic = new.id);
END;

-- Participants: name, aliases and title.
CREATE VIEW participants_search AS
SELECT p.rowid AS doc, p.name AS name,
       (WITH RECURSIVE alias(n) AS (
            SELECT 0 WHERE json_array_length(p.aliases) > 0
            UNION ALL SELECT n + 1 FROM alias WHERE n + 1 < json_array_length(p.aliases))
        SELECT group_concat(json_extract(p.aliases, '$[' || n || ']'), char(10)) FROM alias) AS aliases,
       p.title AS title
FROM participants p;

CREATE VIRTUAL TABLE participants_fts USING fts5(
    name, aliases, title,
    content = 'participants_search', content_rowid = 'doc',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER participants_search_insert AFTER INSERT ON participants BEGIN
    INSERT INTO participants_fts (rowid, name, aliases, title)
    SELECT doc, name, aliases, title FROM participants_search WHERE doc = new.rowid;
END;
CREATE TRIGGER participants_search_delete BEFORE DELETE ON participants BEGIN
    INSERT INTO participants_fts (participants_fts, rowid, name, aliases, title)
    SELECT 'delete', doc, name, aliases, title FROM participants_search WHERE doc = old.rowid;
END;
-- A new name also changes what the participant's quotes are found by.
CREATE TRIGGER participants_search_unindex BEFORE UPDATE OF name, aliases, title ON participants BEGIN
    INSERT INTO participants_fts (participants_fts, rowid, name, aliases, title)
    SELECT 'delete', doc, name, aliases, title FROM participants_search WHERE doc = old.rowid;
    INSERT INTO quotes_fts (quotes_fts, rowid, text, speaker, topic)
    SELECT 'delete', doc, text, speaker, topic FROM quotes_search
    WHERE doc IN (SELECT rowid FROM quotes WHERE speaker = old.id);
END;
CREATE TRIGGER participants_search_reindex AFTER UPDATE OF name, aliases, title ON participants BEGIN
    INSERT INTO participants_fts (rowid, name, aliases, title)
    SELECT doc, name, aliases, title FROM participants_search WHERE doc = new.rowid;
    INSERT INTO quotes_fts (rowid, text, speaker, topic)
    SELECT doc, text, speaker, topic FROM quotes_search
    WHERE doc IN (SELECT rowid FROM quotes WHERE speaker = new.id);
END;

-- Events: title and place.
CREATE VIEW events_search AS
SELECT e.rowid AS doc, e.title AS title,
       concat_ws(char(10), e.place_name, e.place_city) AS place
FROM events e;

CREATE VIRTUAL TABLE events_fts USING fts5(
    title, place,
    content = 'events_search', content_rowid = 'doc',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER events_search_insert AFTER INSERT ON events BEGIN
    INSERT INTO events_fts (rowid, title, place)
    SELECT doc, title, place FROM events_search WHERE doc = new.rowid;
END;
CREATE TRIGGER events_search_delete BEFORE DELETE ON events BEGIN
    INSERT INTO events_fts (events_fts, rowid, title, place)
    SELECT 'delete', doc, title, place FROM events_search WHERE doc = old.rowid;
END;
CREATE TRIGGER events_search_unindex BEFORE UPDATE OF title, place_name, place_city ON events BEGIN
    INSERT INTO events_fts (events_fts, rowid, title, place)
    SELECT 'delete', doc, title, place FROM events_search WHERE doc = old.rowid;
END;
CREATE TRIGGER events_search_reindex AFTER UPDATE OF title, place_name, place_city ON events BEGIN
    INSERT INTO events_fts (rowid, title, place)
    SELECT doc, title, place FROM events_search WHERE doc = new.rowid;
END;

-- Index whatever was written before this migration.
INSERT INTO articles_fts (articles_fts) VALUES ('rebuild');
INSERT INTO quotes_fts (quotes_fts) VALUES ('rebuild');
INSERT INTO participants_fts (participants_fts) VALUES ('rebuild');
INSERT INTO events_fts (events_fts) VALUES ('rebuild');

