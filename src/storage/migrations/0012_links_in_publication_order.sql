-- "The latest articles about X" (a topic, a participant, an event) is the commonest
-- filtered list. Each link row carries its article's `published_at`, indexed after
-- the linked id, so such a page walks one index range in order and stops after a page,
-- however many articles X has; an `IN (SELECT article …)` condition reads all of them
-- and sorts. Triggers keep the copy equal to the article's own value.
ALTER TABLE article_topics ADD COLUMN published_at INTEGER;
ALTER TABLE article_events ADD COLUMN published_at INTEGER;
ALTER TABLE article_participants ADD COLUMN published_at INTEGER;
UPDATE article_topics SET published_at = (SELECT published_at FROM articles WHERE id = article);
UPDATE article_events SET published_at = (SELECT published_at FROM articles WHERE id = article);
UPDATE article_participants SET published_at = (SELECT published_at FROM articles WHERE id = article);

-- The new indexes also serve every lookup the old ones did (by the linked id).
DROP INDEX article_topics_by_topic;
DROP INDEX article_events_by_event;
DROP INDEX article_participants_by_participant;
CREATE INDEX article_topics_by_topic ON article_topics (topic, published_at, article);
CREATE INDEX article_events_by_event ON article_events (event, published_at, article);
CREATE INDEX article_participants_by_participant
    ON article_participants (participant, published_at, article);

-- A link written without the value (every writer but the corpus generator) takes it
-- from its article; a change of the article's value reaches its links.
CREATE TRIGGER article_topics_published AFTER INSERT ON article_topics
WHEN NEW.published_at IS NULL BEGIN
    UPDATE article_topics SET published_at = (SELECT published_at FROM articles WHERE id = NEW.article)
    WHERE article = NEW.article AND topic = NEW.topic;
END;
CREATE TRIGGER article_events_published AFTER INSERT ON article_events
WHEN NEW.published_at IS NULL BEGIN
    UPDATE article_events SET published_at = (SELECT published_at FROM articles WHERE id = NEW.article)
    WHERE article = NEW.article AND event = NEW.event;
END;
CREATE TRIGGER article_participants_published AFTER INSERT ON article_participants
WHEN NEW.published_at IS NULL BEGIN
    UPDATE article_participants SET published_at = (SELECT published_at FROM articles WHERE id = NEW.article)
    WHERE article = NEW.article AND participant = NEW.participant;
END;
CREATE TRIGGER articles_published_links AFTER UPDATE OF published_at ON articles
WHEN NEW.published_at IS NOT OLD.published_at BEGIN
    UPDATE article_topics SET published_at = NEW.published_at WHERE article = NEW.id;
    UPDATE article_events SET published_at = NEW.published_at WHERE article = NEW.id;
    UPDATE article_participants SET published_at = NEW.published_at WHERE article = NEW.id;
END;
