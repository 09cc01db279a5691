-- Import history (undo and resume), the rows each import created, saved column mappings and
-- survey responses (a score per row, with or without a comment).
CREATE SEQUENCE import_id_seq START 1;

CREATE TABLE imports (
    id BIGINT PRIMARY KEY DEFAULT nextval('import_id_seq'),
    file VARCHAR NOT NULL,
    path VARCHAR,
    size BIGINT NOT NULL,
    imported_by VARCHAR,
    source VARCHAR,
    mapping JSON NOT NULL,
    status VARCHAR NOT NULL,
    rows BIGINT NOT NULL DEFAULT 0,
    inserted BIGINT NOT NULL DEFAULT 0,
    duplicates BIGINT NOT NULL DEFAULT 0,
    rejected BIGINT NOT NULL DEFAULT 0,
    responses BIGINT NOT NULL DEFAULT 0,
    pii JSON NOT NULL DEFAULT '{}',
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    undone_at TIMESTAMP
);

-- Written in the same transaction as the insights themselves: undo finds exactly these.
CREATE TABLE import_items (
    import_id BIGINT NOT NULL,
    insight_id BIGINT NOT NULL,
    PRIMARY KEY (import_id, insight_id)
);

CREATE TABLE saved_mappings (
    name VARCHAR PRIMARY KEY,
    mapping JSON NOT NULL,
    saved_by VARCHAR,
    saved_at TIMESTAMP NOT NULL
);

-- metric: 'nps' (0-10), 'csat' (1-5) or 'ces' (1-7). response_key identifies a response across
-- re-imports of the same file (its external id, else a hash of the row).
CREATE TABLE survey_responses (
    response_key VARCHAR NOT NULL,
    metric VARCHAR NOT NULL,
    score INTEGER NOT NULL,
    import_id BIGINT,
    insight_id BIGINT,
    segment VARCHAR,
    touchpoint VARCHAR,
    observed_at DATE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (response_key, metric)
);
