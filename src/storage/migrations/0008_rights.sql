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
