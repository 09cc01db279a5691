-- Themes: clusters of insights with an automatic label, the name people gave them, pins, and
-- the centroid that seeds the next recompute (so themes stay put as the collection grows).
CREATE SEQUENCE theme_id_seq START 1;

CREATE TABLE themes (
    id BIGINT PRIMARY KEY DEFAULT nextval('theme_id_seq'),
    label VARCHAR NOT NULL,
    name VARCHAR,
    pinned BOOLEAN NOT NULL DEFAULT false,
    centroid FLOAT[] NOT NULL,
    size INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- score: cosine similarity of the insight to its theme's centroid (the most central first).
CREATE TABLE theme_members (
    theme_id BIGINT NOT NULL,
    insight_id BIGINT NOT NULL,
    score FLOAT NOT NULL,
    PRIMARY KEY (theme_id, insight_id)
);

CREATE TABLE theme_runs (
    computed_at TIMESTAMP NOT NULL,
    insights INTEGER NOT NULL,
    themes INTEGER NOT NULL,
    seconds DOUBLE NOT NULL
);
