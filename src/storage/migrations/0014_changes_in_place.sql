-- Whether a change moved no list (`storage::listing`): the article's place (what
-- lists filter, order and facet on, and its visibility) is as it was, so its
-- collection is not made stale; its `touches` then name the keys it does make
-- stale (`articles:updated`, the words of a changed text).
ALTER TABLE changes ADD COLUMN in_place INTEGER NOT NULL DEFAULT 0;
