-- Imported documents kept whole for the reader (issue 29): the text (NULL once retention
-- dropped it), its segments (turns, paragraphs, pages: character offsets into the text), a
-- transcript's speakers (label, the name a researcher gave, role and pseudonym number), and
-- where each insight cut or highlighted from a document stands in it.
CREATE SEQUENCE document_id_seq START 1;

CREATE TABLE documents (
    id BIGINT PRIMARY KEY DEFAULT nextval('document_id_seq'),
    file VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    source VARCHAR,
    study_id BIGINT,
    import_id BIGINT,
    content_hash VARCHAR NOT NULL,
    text VARCHAR,
    names_allowed BOOLEAN NOT NULL DEFAULT FALSE,
    created_by VARCHAR,
    created_at TIMESTAMP NOT NULL,
    text_dropped_at TIMESTAMP,
    deleted_at TIMESTAMP
);

CREATE TABLE document_segments (
    document_id BIGINT NOT NULL,
    number INTEGER NOT NULL,
    start_char INTEGER NOT NULL,
    end_char INTEGER NOT NULL,
    speaker INTEGER,
    started VARCHAR,
    ended VARCHAR,
    heading VARCHAR,
    location VARCHAR,
    PRIMARY KEY (document_id, number)
);

CREATE TABLE document_speakers (
    document_id BIGINT NOT NULL,
    number INTEGER NOT NULL,
    label VARCHAR,
    name VARCHAR,
    role VARCHAR NOT NULL,
    pseudonym INTEGER NOT NULL,
    questions INTEGER NOT NULL DEFAULT 0,
    turns INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (document_id, number)
);

CREATE TABLE insight_spans (
    insight_id BIGINT PRIMARY KEY,
    document_id BIGINT NOT NULL,
    start_char INTEGER NOT NULL,
    end_char INTEGER NOT NULL,
    segment INTEGER,
    speaker INTEGER,
    started VARCHAR,
    ended VARCHAR,
    origin VARCHAR NOT NULL,
    created_by VARCHAR,
    created_at TIMESTAMP NOT NULL
);
