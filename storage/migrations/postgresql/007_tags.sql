-- The governed tag set (insights/tags.py): DuckDB's 014_tags.sql in PostgreSQL's dialect, and
-- the change feed's row for each table (other processes drop what they cached of the set).
CREATE SEQUENCE tag_id_seq START 1;

CREATE TABLE tags (
    id BIGINT PRIMARY KEY DEFAULT nextval('tag_id_seq'),
    name VARCHAR NOT NULL UNIQUE,
    tag_group VARCHAR NOT NULL DEFAULT '',
    description VARCHAR NOT NULL DEFAULT '',
    created_by VARCHAR,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE tag_synonyms (
    synonym VARCHAR PRIMARY KEY,
    tag_id BIGINT NOT NULL,
    language VARCHAR NOT NULL DEFAULT ''
);

CREATE TRIGGER tags_changed AFTER INSERT OR UPDATE OR DELETE ON tags
    FOR EACH STATEMENT EXECUTE FUNCTION oivallus_table_changed();
CREATE TRIGGER tag_synonyms_changed AFTER INSERT OR UPDATE OR DELETE ON tag_synonyms
    FOR EACH STATEMENT EXECUTE FUNCTION oivallus_table_changed();
