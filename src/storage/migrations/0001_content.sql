-- The content model. Times are unix seconds (UTC), dates ISO 8601 text: both sort
-- correctly as stored, which keyset pagination relies on.

CREATE TABLE topics (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    description TEXT,
    updated_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE participants (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('person', 'organization', 'country')),
    name        TEXT NOT NULL,
    aliases     TEXT NOT NULL DEFAULT '[]', -- JSON array of strings
    title       TEXT,
    affiliation TEXT REFERENCES participants (id),
    updated_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX participants_by_name ON participants (name, id);
CREATE INDEX participants_by_kind ON participants (kind, name, id);
CREATE INDEX participants_by_affiliation ON participants (affiliation);

CREATE TABLE events (
    id            TEXT PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('summit', 'accession', 'meeting')),
    title         TEXT NOT NULL,
    start_date    TEXT NOT NULL,
    end_date      TEXT NOT NULL,
    place_name    TEXT,
    place_city    TEXT,
    place_country TEXT REFERENCES participants (id),
    parent        TEXT REFERENCES events (id),
    updated_at    INTEGER NOT NULL,
    CHECK (end_date >= start_date)
) STRICT;
CREATE INDEX events_by_start ON events (start_date, id);
CREATE INDEX events_by_parent ON events (parent, start_date, id);
CREATE INDEX events_by_kind ON events (kind, start_date, id);

CREATE TABLE event_participants (
    event       TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    participant TEXT NOT NULL REFERENCES participants (id),
    role        TEXT NOT NULL,
    ord         INTEGER NOT NULL,
    PRIMARY KEY (event, participant, role)
) STRICT;
CREATE INDEX event_participants_by_participant ON event_participants (participant, event);

CREATE TABLE articles (
    id              TEXT PRIMARY KEY,
    headline        TEXT NOT NULL,
    headline_origin TEXT NOT NULL CHECK (headline_origin IN ('source', 'editorial')),
    dateline_place  TEXT,
    dateline_date   TEXT NOT NULL,
    published_at    INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    summary         TEXT NOT NULL,
    language        TEXT NOT NULL,
    source_name     TEXT,
    source_url      TEXT,
    source_note     TEXT,
    body            TEXT NOT NULL -- JSON array of blocks
) STRICT;
CREATE INDEX articles_by_published ON articles (published_at, id);
CREATE INDEX articles_by_updated ON articles (updated_at, id);

CREATE TABLE article_topics (
    article TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    topic   TEXT NOT NULL REFERENCES topics (id),
    ord     INTEGER NOT NULL,
    PRIMARY KEY (article, topic)
) STRICT, WITHOUT ROWID;
CREATE INDEX article_topics_by_topic ON article_topics (topic, article);

CREATE TABLE article_events (
    article TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    event   TEXT NOT NULL REFERENCES events (id),
    ord     INTEGER NOT NULL,
    PRIMARY KEY (article, event)
) STRICT, WITHOUT ROWID;
CREATE INDEX article_events_by_event ON article_events (event, article);

CREATE TABLE article_participants (
    article     TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    participant TEXT NOT NULL REFERENCES participants (id),
    ord         INTEGER NOT NULL,
    PRIMARY KEY (article, participant)
) STRICT, WITHOUT ROWID;
CREATE INDEX article_participants_by_participant ON article_participants (participant, article);

CREATE TABLE quotes (
    id         TEXT PRIMARY KEY,
    text       TEXT NOT NULL,
    speaker    TEXT NOT NULL REFERENCES participants (id),
    article    TEXT NOT NULL REFERENCES articles (id),
    event      TEXT REFERENCES events (id),
    topic      TEXT REFERENCES topics (id),
    said_on    TEXT NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX quotes_by_said_on ON quotes (said_on, id);
CREATE INDEX quotes_by_speaker ON quotes (speaker, said_on, id);
CREATE INDEX quotes_by_article ON quotes (article, said_on, id);
CREATE INDEX quotes_by_event ON quotes (event, said_on, id);
CREATE INDEX quotes_by_topic ON quotes (topic, said_on, id);

-- Facts about the database itself, such as whether the fixtures were loaded.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
