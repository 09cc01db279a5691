-- The change feed: every committed write to insights or their vectors leaves one row per
-- statement, numbered, with the process that made it. Each process's in-memory index reads
-- the rows after the last one it applied (see storage/changes.py for why not LISTEN/NOTIFY).
CREATE TABLE changes (
    seq BIGSERIAL PRIMARY KEY,
    origin VARCHAR NOT NULL DEFAULT coalesce(current_setting('oivallus.origin', true), ''),
    entity VARCHAR NOT NULL,
    ids BIGINT[] NOT NULL,
    at TIMESTAMP NOT NULL DEFAULT localtimestamp
);

CREATE FUNCTION oivallus_insights_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO changes (entity, ids)
    SELECT 'insight', array_agg(DISTINCT id) FROM changed_rows HAVING count(*) > 0;
    RETURN NULL;
END $$;

CREATE FUNCTION oivallus_vectors_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO changes (entity, ids)
    SELECT 'insight', array_agg(DISTINCT insight_id) FROM changed_rows HAVING count(*) > 0;
    RETURN NULL;
END $$;

CREATE TRIGGER insights_inserted AFTER INSERT ON insights
    REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION oivallus_insights_changed();
CREATE TRIGGER insights_updated AFTER UPDATE ON insights
    REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION oivallus_insights_changed();
CREATE TRIGGER insights_deleted AFTER DELETE ON insights
    REFERENCING OLD TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION oivallus_insights_changed();
CREATE TRIGGER vectors_inserted AFTER INSERT ON embeddings
    REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION oivallus_vectors_changed();
CREATE TRIGGER vectors_updated AFTER UPDATE ON embeddings
    REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION oivallus_vectors_changed();

-- Any other table: one row naming it, so that other processes drop what they cached of it
-- (the backlog with its votes, themes, accounts, settings, ...).
CREATE FUNCTION oivallus_table_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO changes (entity, ids) VALUES (TG_TABLE_NAME, '{}');
    RETURN NULL;
END $$;

DO $$
DECLARE name TEXT;
BEGIN
    FOREACH name IN ARRAY ARRAY['studies', 'links', 'evidence', 'choices', 'questions',
        'question_votes', 'question_status_history', 'question_evidence', 'question_vectors',
        'imports', 'saved_mappings', 'survey_responses', 'themes', 'theme_members', 'users',
        'follows', 'settings', 'metrics', 'metric_values', 'customer_records']
    LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I'
            ' FOR EACH STATEMENT EXECUTE FUNCTION oivallus_table_changed()',
            name || '_changed', name);
    END LOOP;
END $$;
