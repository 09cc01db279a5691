-- When the related links of an insight were last computed; NULL means "still to do" (linking
-- runs after an import, in the background, and resumes at the next open if interrupted).
ALTER TABLE insights ADD COLUMN linked_at TIMESTAMP;
UPDATE insights SET linked_at = created_at;
