-- The WebSub hub (`--websub-hub`) is told of changed feeds through the webhook
-- outbox: one row of `webhooks` of kind `websub`, with the same position, attempts
-- and backoff as a subscription, so one deliverer and one retry rule serve both.
-- The API lists, reads and deletes rows of kind `webhook` only; the server keeps
-- the `websub` row in step with its option at start.
ALTER TABLE webhooks ADD COLUMN kind TEXT NOT NULL DEFAULT 'webhook'
    CHECK (kind IN ('webhook', 'websub'));
