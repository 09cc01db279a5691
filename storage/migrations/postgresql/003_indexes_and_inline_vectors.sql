-- Lookups a write or a view makes by something other than a primary key: at a million
-- insights each was a sequential scan of 150-300 ms (the duplicate check of every add, the
-- unlinked rows at open; DuckDB's column scans make them fast without an index).
CREATE INDEX IF NOT EXISTS insights_by_content_hash ON insights (content_hash);
CREATE INDEX IF NOT EXISTS insights_unlinked ON insights (id)
    WHERE deleted_at IS NULL AND linked_at IS NULL;
CREATE INDEX IF NOT EXISTS insights_by_external_id ON insights (external_id)
    WHERE external_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS links_by_b ON links (b);
CREATE INDEX IF NOT EXISTS evidence_by_insight ON evidence (insight_id);
CREATE INDEX IF NOT EXISTS theme_members_by_insight ON theme_members (insight_id);
CREATE INDEX IF NOT EXISTS question_evidence_by_insight ON question_evidence (insight_id);
CREATE INDEX IF NOT EXISTS import_items_by_insight ON import_items (insight_id);

-- A row of two 384-float vectors (3 KB; 6 KB at 768) went to TOAST, one lookup per vector read
-- (most of a large index's open): keep rows of up to 8 KB in the table itself, uncompressed
-- (floats do not compress). Rows stored before this stay where they are until rewritten.
ALTER TABLE embeddings SET (toast_tuple_target = 8160);
ALTER TABLE embeddings ALTER COLUMN vector SET STORAGE EXTERNAL;
ALTER TABLE embeddings ALTER COLUMN smooth SET STORAGE EXTERNAL;
