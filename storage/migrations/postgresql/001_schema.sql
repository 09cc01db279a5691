-- The whole schema as of DuckDB's migrations 001-011, in PostgreSQL's dialect. JSON columns
-- are TEXT (read back as strings, as from DuckDB); vectors are REAL[] (the in-process index
-- searches them; no extension is needed on the server).
-- as DuckDB's 001_core.sql
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
    tags VARCHAR[] NOT NULL DEFAULT '{}',
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
    data TEXT NOT NULL,
    edited_by VARCHAR,
    edited_at TIMESTAMP NOT NULL,
    PRIMARY KEY (insight_id, version)
);

-- REAL[] rather than FLOAT[dim]: models of different sizes can live side by side while a
-- model change re-embeds; model_id keeps their vectors apart.
CREATE TABLE embeddings (
    insight_id BIGINT NOT NULL,
    model_id VARCHAR NOT NULL,
    content_hash VARCHAR NOT NULL,
    vector REAL[] NOT NULL,
    -- the vector averaged with its nearest neighbours when it was stored (see insights/linking.py)
    smooth REAL[] NOT NULL,
    PRIMARY KEY (insight_id, model_id)
);

-- One row per unordered pair (a < b).
CREATE TABLE links (
    a BIGINT NOT NULL,
    b BIGINT NOT NULL,
    score DOUBLE PRECISION NOT NULL,
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

-- as DuckDB's 002_linked_at.sql
ALTER TABLE insights ADD COLUMN linked_at TIMESTAMP;

-- as DuckDB's 003_backlog.sql
-- Research backlog: questions, one vote per person per question, status history, evidence.
CREATE SEQUENCE question_id_seq START 1;

CREATE TABLE questions (
    id BIGINT PRIMARY KEY DEFAULT nextval('question_id_seq'),
    text VARCHAR NOT NULL,
    decision VARCHAR,
    team VARCHAR,
    impact INTEGER NOT NULL CHECK (impact BETWEEN 1 AND 5),
    effort INTEGER NOT NULL CHECK (effort BETWEEN 1 AND 5),
    decision_date DATE,
    tags VARCHAR[] NOT NULL DEFAULT '{}',
    segments VARCHAR[] NOT NULL DEFAULT '{}',
    asked_by VARCHAR,
    status VARCHAR NOT NULL DEFAULT 'open',
    answer VARCHAR,
    drop_reason VARCHAR,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- The primary key is the rule "one vote per person per question".
CREATE TABLE question_votes (
    question_id BIGINT NOT NULL,
    user_id VARCHAR NOT NULL,
    team VARCHAR,
    voted_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (question_id, user_id)
);

CREATE TABLE question_status_history (
    question_id BIGINT NOT NULL,
    from_status VARCHAR,
    to_status VARCHAR NOT NULL,
    changed_by VARCHAR,
    changed_at TIMESTAMP NOT NULL,
    note VARCHAR
);

-- status: suggested (by matching) | confirmed (then relation is set) | dismissed
CREATE TABLE question_evidence (
    question_id BIGINT NOT NULL,
    insight_id BIGINT NOT NULL,
    score DOUBLE PRECISION NOT NULL,
    status VARCHAR NOT NULL,
    relation VARCHAR,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    decided_by VARCHAR,
    decided_at TIMESTAMP,
    PRIMARY KEY (question_id, insight_id)
);

CREATE TABLE question_vectors (
    question_id BIGINT NOT NULL,
    model_id VARCHAR NOT NULL,
    vector REAL[] NOT NULL,
    PRIMARY KEY (question_id, model_id)
);

-- as DuckDB's 004_imports.sql
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
    mapping TEXT NOT NULL,
    status VARCHAR NOT NULL,
    rows BIGINT NOT NULL DEFAULT 0,
    inserted BIGINT NOT NULL DEFAULT 0,
    duplicates BIGINT NOT NULL DEFAULT 0,
    rejected BIGINT NOT NULL DEFAULT 0,
    responses BIGINT NOT NULL DEFAULT 0,
    pii TEXT NOT NULL DEFAULT '{}',
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
    mapping TEXT NOT NULL,
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

-- as DuckDB's 005_themes.sql
-- Themes: clusters of insights with an automatic label, the name people gave them, pins, and
-- the centroid that seeds the next recompute (so themes stay put as the collection grows).
CREATE SEQUENCE theme_id_seq START 1;

CREATE TABLE themes (
    id BIGINT PRIMARY KEY DEFAULT nextval('theme_id_seq'),
    label VARCHAR NOT NULL,
    name VARCHAR,
    pinned BOOLEAN NOT NULL DEFAULT false,
    centroid REAL[] NOT NULL,
    size INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- score: cosine similarity of the insight to its theme's centroid (the most central first).
CREATE TABLE theme_members (
    theme_id BIGINT NOT NULL,
    insight_id BIGINT NOT NULL,
    score REAL NOT NULL,
    PRIMARY KEY (theme_id, insight_id)
);

CREATE TABLE theme_runs (
    computed_at TIMESTAMP NOT NULL,
    insights INTEGER NOT NULL,
    themes INTEGER NOT NULL,
    seconds DOUBLE PRECISION NOT NULL
);

-- as DuckDB's 006_people.sql
-- People (local accounts; single sign-on users are added at their first sign-in), the
-- append-only audit log, and what people follow for their digests.
CREATE SEQUENCE audit_id_seq START 1;

CREATE TABLE users (
    username VARCHAR PRIMARY KEY,
    display_name VARCHAR NOT NULL,
    role VARCHAR NOT NULL,
    team VARCHAR,
    email VARCHAR,
    password_hash VARCHAR,
    created_at TIMESTAMP NOT NULL,
    disabled_at TIMESTAMP
);

CREATE TABLE audit_log (
    id BIGINT PRIMARY KEY DEFAULT nextval('audit_id_seq'),
    logged_at TIMESTAMP NOT NULL,
    actor VARCHAR,
    action VARCHAR NOT NULL,
    entity VARCHAR NOT NULL,
    entity_id VARCHAR,
    before TEXT,
    after TEXT
);

CREATE TABLE follows (
    username VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    target VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (username, kind, target)
);

-- as DuckDB's 007_settings.sql
-- Server-side settings (for example the key that signs "stay signed in" tokens).
CREATE TABLE settings (
    key VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);

-- as DuckDB's 008_sessions.sql
-- Server-side sign-in sessions (a browser keeps a random id; only its SHA-256 is stored, so a
-- backup holds no usable session) and failed sign-ins (for backoff). The old signing key of
-- "stay signed in" tokens lived in settings and is dropped: nothing in the file signs anything.
CREATE TABLE sessions (
    id_hash VARCHAR PRIMARY KEY,
    username VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);

CREATE TABLE sign_in_failures (
    subject VARCHAR NOT NULL,
    failed_at TIMESTAMP NOT NULL
);

-- as DuckDB's 009_insight_owner.sql
ALTER TABLE insights ADD COLUMN created_by VARCHAR;

-- as DuckDB's 010_inbox.sql
-- "For you": when each person last read their list, so that what came after counts as unread.
CREATE TABLE inbox_seen (
    username VARCHAR PRIMARY KEY,
    seen_at TIMESTAMP NOT NULL
);

-- as DuckDB's 011_metrics.sql
-- Behaviour beside opinion: metrics defined once, their values over time, customer records.
CREATE TABLE metrics (
    name VARCHAR PRIMARY KEY,
    unit VARCHAR,
    better VARCHAR NOT NULL DEFAULT 'higher',  -- higher | lower
    target DOUBLE PRECISION,
    on_overview BOOLEAN NOT NULL DEFAULT false,
    created_at TIMESTAMP NOT NULL
);

-- Every import keeps its own rows; what counts for a (metric, period, cell) is the newest
-- import that is not undone, so a re-import replaces and undoing it brings the old back.
-- An import holds each cell once (ingest/metrics.py sums a file's rows of one cell), so no
-- key is declared: an index over a million rows does not fit the 128 MB buffer pool.
-- An empty string is "no segment".
CREATE TABLE metric_values (
    metric VARCHAR NOT NULL,
    period VARCHAR NOT NULL,  -- day | week | month
    period_start DATE NOT NULL,
    segment VARCHAR NOT NULL DEFAULT '',
    touchpoint VARCHAR NOT NULL DEFAULT '',
    journey_stage VARCHAR NOT NULL DEFAULT '',
    value DOUBLE PRECISION NOT NULL,
    import_id BIGINT NOT NULL
);

-- Customer-level records (purchases, churn) under a keyed hash of the customer id, never
-- the id itself; survey responses carry the same hash when their file had a customer column.
CREATE TABLE customer_records (
    customer VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,  -- purchase | churn
    happened_on DATE,
    amount DOUBLE PRECISION,
    segment VARCHAR,
    import_id BIGINT NOT NULL
);
ALTER TABLE survey_responses ADD COLUMN customer VARCHAR;

CREATE VIEW live_metric_values AS
SELECT DISTINCT ON (v.metric, v.period, v.period_start, v.segment, v.touchpoint, v.journey_stage)
       v.metric, v.period, v.period_start, v.segment, v.touchpoint, v.journey_stage, v.value
FROM metric_values v JOIN imports p ON p.id = v.import_id
WHERE p.undone_at IS NULL
ORDER BY v.metric, v.period, v.period_start, v.segment, v.touchpoint, v.journey_stage,
         v.import_id DESC;
