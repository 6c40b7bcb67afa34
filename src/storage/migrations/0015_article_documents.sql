-- Each article's JSON as `GET /v1/articles/{id}` serves it, with its entity tag,
-- written by the transaction that changed the article (`storage::documents`), so
-- that a read of one article is one row rather than six queries, a parse of its
-- body and a serialization. `stamp` names the build (and the newsroom's default
-- rights) that wrote it: a row of another stamp, or no row, is read the long way
-- and written again in the background. The article's columns that decide who may
-- see it (`storage::visibility`) are copied beside it, so that the one rule reads
-- them from this row.
CREATE TABLE article_documents (
    id              TEXT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    stamp           INTEGER NOT NULL,
    status          TEXT NOT NULL,
    published_at    INTEGER NOT NULL,
    embargoed_until INTEGER,
    expires_at      INTEGER,
    last_modified   INTEGER NOT NULL,
    etag            TEXT NOT NULL,
    json            BLOB NOT NULL
) STRICT, WITHOUT ROWID;

-- Whatever writes an article's parts, by whichever path, drops its document in the
-- same transaction: a document is current or absent, never stale.
CREATE TRIGGER article_documents_article AFTER UPDATE ON articles BEGIN
    DELETE FROM article_documents WHERE id = OLD.id;
END;
CREATE TRIGGER article_documents_correction_in AFTER INSERT ON article_corrections BEGIN
    DELETE FROM article_documents WHERE id = NEW.article;
END;
CREATE TRIGGER article_documents_correction_out AFTER DELETE ON article_corrections BEGIN
    DELETE FROM article_documents WHERE id = OLD.article;
END;
CREATE TRIGGER article_documents_correction_up AFTER UPDATE ON article_corrections BEGIN
    DELETE FROM article_documents WHERE id IN (OLD.article, NEW.article);
END;
CREATE TRIGGER article_documents_topic_in AFTER INSERT ON article_topics BEGIN
    DELETE FROM article_documents WHERE id = NEW.article;
END;
CREATE TRIGGER article_documents_topic_out AFTER DELETE ON article_topics BEGIN
    DELETE FROM article_documents WHERE id = OLD.article;
END;
CREATE TRIGGER article_documents_topic_up AFTER UPDATE ON article_topics BEGIN
    DELETE FROM article_documents WHERE id IN (OLD.article, NEW.article);
END;
CREATE TRIGGER article_documents_event_in AFTER INSERT ON article_events BEGIN
    DELETE FROM article_documents WHERE id = NEW.article;
END;
CREATE TRIGGER article_documents_event_out AFTER DELETE ON article_events BEGIN
    DELETE FROM article_documents WHERE id = OLD.article;
END;
CREATE TRIGGER article_documents_event_up AFTER UPDATE ON article_events BEGIN
    DELETE FROM article_documents WHERE id IN (OLD.article, NEW.article);
END;
CREATE TRIGGER article_documents_participant_in AFTER INSERT ON article_participants BEGIN
    DELETE FROM article_documents WHERE id = NEW.article;
END;
CREATE TRIGGER article_documents_participant_out AFTER DELETE ON article_participants BEGIN
    DELETE FROM article_documents WHERE id = OLD.article;
END;
CREATE TRIGGER article_documents_participant_up AFTER UPDATE ON article_participants BEGIN
    DELETE FROM article_documents WHERE id IN (OLD.article, NEW.article);
END;
-- An article lists the ids of its quotes.
CREATE TRIGGER article_documents_quote_in AFTER INSERT ON quotes BEGIN
    DELETE FROM article_documents WHERE id = NEW.article;
END;
CREATE TRIGGER article_documents_quote_out AFTER DELETE ON quotes BEGIN
    DELETE FROM article_documents WHERE id = OLD.article;
END;
CREATE TRIGGER article_documents_quote_up AFTER UPDATE OF id, article ON quotes BEGIN
    DELETE FROM article_documents WHERE id IN (OLD.article, NEW.article);
END;
