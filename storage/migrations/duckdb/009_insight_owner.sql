-- Who created an insight, by username (account id), so that ownership never hangs on a
-- display name that another account may share. Insights added one at a time get their
-- creator back from the audit log; bulk additions before this migration stay without one
-- (only researchers and admins may edit those).
ALTER TABLE insights ADD COLUMN created_by VARCHAR;

UPDATE insights SET created_by = a.actor
FROM audit_log a
WHERE a.action = 'create' AND a.entity = 'insight' AND a.actor IS NOT NULL
  AND a.entity_id = CAST(insights.id AS VARCHAR);
