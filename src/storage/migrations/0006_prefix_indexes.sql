-- Prefix indexes for type-ahead: FTS5 keeps the two- and three-character prefixes of
-- every token, so `se*` or `sum*` reads one index entry instead of scanning every
-- term of the vocabulary. Prefixes shorter than two characters are refused at input
-- (src/storage/fts.rs), so nothing asks for what is not indexed.
--
-- An FTS5 table's options are fixed when it is created: each index is dropped,
-- created again with `prefix`, and rebuilt from its view. The triggers of
-- 0004_search.sql name the tables and keep working.

DROP TABLE articles_fts;
CREATE VIRTUAL TABLE articles_fts USING fts5(
    headline, summary, body,
    content = 'articles_search', content_rowid = 'doc',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);
INSERT INTO articles_fts (articles_fts) VALUES ('rebuild');

DROP TABLE quotes_fts;
CREATE VIRTUAL TABLE quotes_fts USING fts5(
    text, speaker, topic,
    content = 'quotes_search', content_rowid = 'doc',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);
INSERT INTO quotes_fts (quotes_fts) VALUES ('rebuild');

DROP TABLE participants_fts;
CREATE VIRTUAL TABLE participants_fts USING fts5(
    name, aliases, title,
    content = 'participants_search', content_rowid = 'doc',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);
INSERT INTO participants_fts (participants_fts) VALUES ('rebuild');

DROP TABLE events_fts;
CREATE VIRTUAL TABLE events_fts USING fts5(
    title, place,
    content = 'events_search', content_rowid = 'doc',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);
INSERT INTO events_fts (events_fts) VALUES ('rebuild');
