-- What the search engine beside the database (`storage::engine`) must re-read: one
-- row per searchable resource whose searched text changed, with a sequence number
-- that only grows. Like the FTS5 triggers of 0004_search, these follow every
-- write whatever code makes it, so the engine can never miss one. A resource
-- changed again replaces its row with a newer number, so the table holds at most
-- one row per resource (a DELETE then an INSERT, not INSERT OR REPLACE: in the
-- trigger of an upsert, the upsert's conflict rule overrides REPLACE, and fails).
-- The engine records the last number it applied; before a search it applies the
-- rows past it, and rebuilds from the tables when the file is not the one it was
-- built from (`search_log_id` in `meta`) or is behind it.
CREATE TABLE search_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    UNIQUE (kind, id)
);
INSERT INTO meta (key, value) VALUES ('search_log_id', lower(hex(randomblob(16))));

CREATE TRIGGER articles_log_insert AFTER INSERT ON articles BEGIN
    DELETE FROM search_log WHERE kind = 'article' AND id IN (new.id);
    INSERT INTO search_log (kind, id) SELECT 'article', new.id;
END;
CREATE TRIGGER articles_log_delete AFTER DELETE ON articles BEGIN
    DELETE FROM search_log WHERE kind = 'article' AND id IN (old.id);
    INSERT INTO search_log (kind, id) SELECT 'article', old.id;
END;
CREATE TRIGGER articles_log_update AFTER UPDATE OF id, headline, summary, body ON articles BEGIN
    DELETE FROM search_log WHERE kind = 'article' AND id IN (old.id, new.id);
    INSERT INTO search_log (kind, id) SELECT 'article', old.id UNION SELECT 'article', new.id;
END;

CREATE TRIGGER quotes_log_insert AFTER INSERT ON quotes BEGIN
    DELETE FROM search_log WHERE kind = 'quote' AND id IN (new.id);
    INSERT INTO search_log (kind, id) SELECT 'quote', new.id;
END;
CREATE TRIGGER quotes_log_delete AFTER DELETE ON quotes BEGIN
    DELETE FROM search_log WHERE kind = 'quote' AND id IN (old.id);
    INSERT INTO search_log (kind, id) SELECT 'quote', old.id;
END;
CREATE TRIGGER quotes_log_update AFTER UPDATE OF id, text, speaker, topic ON quotes BEGIN
    DELETE FROM search_log WHERE kind = 'quote' AND id IN (old.id, new.id);
    INSERT INTO search_log (kind, id) SELECT 'quote', old.id UNION SELECT 'quote', new.id;
END;

-- A quote is found by its speaker's name and its topic's name.
CREATE TRIGGER participants_log_insert AFTER INSERT ON participants BEGIN
    DELETE FROM search_log WHERE kind = 'participant' AND id IN (new.id);
    INSERT INTO search_log (kind, id) SELECT 'participant', new.id;
END;
CREATE TRIGGER participants_log_delete AFTER DELETE ON participants BEGIN
    DELETE FROM search_log WHERE kind = 'participant' AND id IN (old.id);
    INSERT INTO search_log (kind, id) SELECT 'participant', old.id;
END;
CREATE TRIGGER participants_log_update AFTER UPDATE OF id, name, aliases, title ON participants BEGIN
    DELETE FROM search_log WHERE kind = 'participant' AND id IN (old.id, new.id);
    INSERT INTO search_log (kind, id) SELECT 'participant', old.id UNION SELECT 'participant', new.id;
    DELETE FROM search_log WHERE kind = 'quote' AND old.name IS NOT new.name
        AND id IN (SELECT id FROM quotes WHERE speaker = new.id);
    INSERT INTO search_log (kind, id)
    SELECT 'quote', id FROM quotes WHERE speaker = new.id AND old.name IS NOT new.name;
END;
CREATE TRIGGER topics_log_update AFTER UPDATE OF name ON topics BEGIN
    DELETE FROM search_log WHERE kind = 'quote'
        AND id IN (SELECT id FROM quotes WHERE topic = new.id);
    INSERT INTO search_log (kind, id) SELECT 'quote', id FROM quotes WHERE topic = new.id;
END;

CREATE TRIGGER events_log_insert AFTER INSERT ON events BEGIN
    DELETE FROM search_log WHERE kind = 'event' AND id IN (new.id);
    INSERT INTO search_log (kind, id) SELECT 'event', new.id;
END;
CREATE TRIGGER events_log_delete AFTER DELETE ON events BEGIN
    DELETE FROM search_log WHERE kind = 'event' AND id IN (old.id);
    INSERT INTO search_log (kind, id) SELECT 'event', old.id;
END;
CREATE TRIGGER events_log_update AFTER UPDATE OF id, title, place_name, place_city ON events BEGIN
    DELETE FROM search_log WHERE kind = 'event' AND id IN (old.id, new.id);
    INSERT INTO search_log (kind, id) SELECT 'event', old.id UNION SELECT 'event', new.id;
END;
