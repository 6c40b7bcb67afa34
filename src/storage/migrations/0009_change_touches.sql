-- What else each change may have altered the representation of, as surrogate keys
-- (`article:ID`, space-separated): a quote's article lists its quotes, an event's
-- parent its subevents, an article's quotes are visible only with it. Written with
-- the change, in its transaction, before and after the write, so a purge after
-- the commit knows the old relations as well as the new.
ALTER TABLE changes ADD COLUMN touches TEXT NOT NULL DEFAULT '';
