-- Behaviour beside opinion: metrics defined once, their values over time, customer records.
CREATE TABLE metrics (
    name VARCHAR PRIMARY KEY,
    unit VARCHAR,
    better VARCHAR NOT NULL DEFAULT 'higher',  -- higher | lower
    target DOUBLE,
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
    value DOUBLE NOT NULL,
    import_id BIGINT NOT NULL
);

-- Customer-level records (purchases, churn) under a keyed hash of the customer id, never
-- the id itself; survey responses carry the same hash when their file had a customer column.
CREATE TABLE customer_records (
    customer VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,  -- purchase | churn
    happened_on DATE,
    amount DOUBLE,
    segment VARCHAR,
    import_id BIGINT NOT NULL
);
ALTER TABLE survey_responses ADD COLUMN customer VARCHAR;

CREATE VIEW live_metric_values AS
SELECT metric, period, period_start, segment, touchpoint, journey_stage,
       arg_max(value, v.import_id) AS value
FROM metric_values v JOIN imports p ON p.id = v.import_id
WHERE p.undone_at IS NULL
GROUP BY ALL;
