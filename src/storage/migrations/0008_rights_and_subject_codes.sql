-- Rights and usage terms per article. NULL means "the newsroom's default", which
-- comes from the configuration and is filled in when the article is read
-- (src/storage/articles.rs), so changing the default changes every article that
-- has none of its own, old ones included.

ALTER TABLE articles ADD COLUMN copyright_holder TEXT;
ALTER TABLE articles ADD COLUMN copyright_notice TEXT;
ALTER TABLE articles ADD COLUMN usage_terms TEXT;
ALTER TABLE articles ADD COLUMN license_url TEXT;

-- The defaults that reads fill in. This table stays empty: each connection of a
-- running server shadows it with a `temp.newsroom_rights` holding the configured
-- defaults (src/storage/mod.rs), and any other connection (tools, checks) reads
-- articles through this one, with no defaults.
CREATE TABLE newsroom_rights (
    copyright_holder TEXT,
    copyright_notice TEXT,
    usage_terms TEXT,
    license_url TEXT
);

-- IPTC Media Topics of a topic: a JSON array of {"uri", "name"}, the standard subject
-- codes partners file newsdesk's topics under. The fixture topics get the codes that
-- fixtures/topics.json gives them, so that a database seeded before this migration
-- says what a new one does (the seed runs after the migrations and writes its own).
ALTER TABLE topics ADD COLUMN media_topics TEXT NOT NULL DEFAULT '[]';
UPDATE topics SET media_topics = CASE id
    WHEN 'sco-membership' THEN '[{"uri":"http://cv.iptc.org/newscodes/mediatopic/20000644","name":"international organisation"}]'
    WHEN 'international-standing' THEN '[{"uri":"http://cv.iptc.org/newscodes/mediatopic/20000638","name":"international relations"}]'
    WHEN 'mutual-enrichment-of-cultures' THEN '[{"uri":"http://cv.iptc.org/newscodes/mediatopic/20000038","name":"culture"}]'
    WHEN 'belarus-china-relations' THEN '[{"uri":"http://cv.iptc.org/newscodes/mediatopic/20000638","name":"international relations"}]'
    WHEN 'belarus-un-cooperation' THEN '[{"uri":"http://cv.iptc.org/newscodes/mediatopic/20000644","name":"international organisation"}]'
    ELSE media_topics END;
