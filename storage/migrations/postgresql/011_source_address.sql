-- The web page an insight was captured from (issue 30: the bookmarklet and the share link open
-- Add with the page's address): an http(s) address of at most 2,000 characters, checked by
-- InsightIn before it is stored (never javascript: or data:). Empty for insights before it.
ALTER TABLE insights ADD COLUMN source_url VARCHAR;
