-- A person's own chat (issue 30): their "For you" items sent to their Slack or Teams incoming
-- webhook, a hook row with an `owner` (NULL: an admin's hook for everyone). `cadence` is
-- 'each' (each new item) or 'daily' (one summary a day); `items_until` is the newest item
-- queued (nothing is sent twice: it moves in the unit of work that queues the items);
-- `summary_on` is the day of the last daily summary.
ALTER TABLE webhooks ADD COLUMN owner VARCHAR;
ALTER TABLE webhooks ADD COLUMN cadence VARCHAR;
ALTER TABLE webhooks ADD COLUMN items_until TIMESTAMP;
ALTER TABLE webhooks ADD COLUMN summary_on DATE;
