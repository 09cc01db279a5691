-- Core schema: insights with soft delete and version history, embeddings per model, links,
-- evidence, studies and the editable choice lists.
CREATE SEQUENCE insight_id_seq START 1;
CREATE SEQUENCE study_id_seq START 1;
CREATE SEQUENCE evidence_id_seq START 1;

CREATE TABLE studies (
    id BIGINT PRIMARY KEY DEFAULT nextval('study_id_seq'),
    title VARCHAR NOT NULL,
    method VARCHAR,
    started_on DATE,
    ended_on DATE,
    owner VARCHAR,
    description VARCHAR,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE TABLE insights (
    id BIGINT PRIMARY KEY,
    text VARCHAR NOT NULL,
    title VARCHAR,
    kind VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    study_id BIGINT,
    author VARCHAR,
    team VARCHAR,
    segment VARCHAR,
    touchpoint VARCHAR,
    journey_stage VARCHAR,
    channel VARCHAR,
    sentiment VARCHAR,
    observed_at DATE,
    tags VARCHAR[] NOT NULL DEFAULT [],
    language VARCHAR NOT NULL,
    external_id VARCHAR,
    content_hash VARCHAR NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP
);

-- Append-only: the full content of every version an edit replaced.
CREATE TABLE insight_versions (
    insight_id BIGINT NOT NULL,
    version INTEGER NOT NULL,
    data JSON NOT NULL,
    edited_by VARCHAR,
    edited_at TIMESTAMP NOT NULL,
    PRIMARY KEY (insight_id, version)
);

-- FLOAT[] rather than FLOAT[dim]: models of different sizes can live side by side while a
-- model change re-embeds; model_id keeps their vectors apart.
CREATE TABLE embeddings (
    insight_id BIGINT NOT NULL,
    model_id VARCHAR NOT NULL,
    content_hash VARCHAR NOT NULL,
    vector FLOAT[] NOT NULL,
    -- the vector averaged with its nearest neighbours when it was stored (see insights/linking.py)
    smooth FLOAT[] NOT NULL,
    PRIMARY KEY (insight_id, model_id)
);

-- One row per unordered pair (a < b).
CREATE TABLE links (
    a BIGINT NOT NULL,
    b BIGINT NOT NULL,
    score DOUBLE NOT NULL,
    duplicate BOOLEAN NOT NULL DEFAULT false,
    status VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    decided_by VARCHAR,
    decided_at TIMESTAMP,
    PRIMARY KEY (a, b)
);

CREATE TABLE evidence (
    id BIGINT PRIMARY KEY DEFAULT nextval('evidence_id_seq'),
    insight_id BIGINT NOT NULL,
    text VARCHAR NOT NULL,
    source VARCHAR,
    author VARCHAR,
    observed_at DATE,
    content_hash VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE TABLE choices (
    field VARCHAR NOT NULL,
    value VARCHAR NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (field, value)
);

INSERT INTO choices VALUES
    ('segment', 'Consumer', 1), ('segment', 'SMB', 2), ('segment', 'Enterprise', 3),
    ('segment', 'Public sector', 4),
    ('touchpoint', 'Website', 1), ('touchpoint', 'Mobile app', 2), ('touchpoint', 'Checkout', 3),
    ('touchpoint', 'Delivery', 4), ('touchpoint', 'Customer service', 5),
    ('touchpoint', 'Invoice', 6), ('touchpoint', 'Store', 7), ('touchpoint', 'Onboarding', 8),
    ('journey_stage', 'Awareness', 1), ('journey_stage', 'Consideration', 2),
    ('journey_stage', 'Purchase', 3), ('journey_stage', 'Onboarding', 4),
    ('journey_stage', 'Use', 5), ('journey_stage', 'Support', 6),
    ('journey_stage', 'Renewal / churn', 7),
    ('channel', 'Web', 1), ('channel', 'App', 2), ('channel', 'Phone', 3),
    ('channel', 'E-mail', 4), ('channel', 'Chat', 5), ('channel', 'In person', 6),
    ('channel', 'Social media', 7);
