-- The index's vectors as BYTEA of float32 values, big-endian (float4send's order), instead of
-- REAL[]: sending a REAL[] converts each of its floats on its own, which at a million insights
-- of 768 dimensions was most of an open (see storage/pgarrays.py). The rows are rewritten
-- once here (measured: 71 s per 100,000 insights of 768-d); the rows stay in the table uncompressed.
CREATE FUNCTION oivallus_float_bytes(REAL[]) RETURNS BYTEA LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(string_agg(float4send(x), ''::bytea ORDER BY o), ''::bytea)
    FROM unnest($1) WITH ORDINALITY AS t(x, o)
$$;
ALTER TABLE embeddings
    ALTER COLUMN vector TYPE BYTEA USING oivallus_float_bytes(vector),
    ALTER COLUMN smooth TYPE BYTEA USING oivallus_float_bytes(smooth);
ALTER TABLE embeddings ALTER COLUMN vector SET STORAGE EXTERNAL;
ALTER TABLE embeddings ALTER COLUMN smooth SET STORAGE EXTERNAL;
DROP FUNCTION oivallus_float_bytes(REAL[]);
