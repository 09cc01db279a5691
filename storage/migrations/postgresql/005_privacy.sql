-- Retention of raw material per insight source (insights/retention.py), and when an import's
-- raw file was dropped by it.
CREATE TABLE retention_rules (
    source VARCHAR PRIMARY KEY,
    months INTEGER NOT NULL CHECK (months >= 1),
    set_by VARCHAR,
    set_at TIMESTAMP NOT NULL
);

ALTER TABLE imports ADD COLUMN raw_dropped_at TIMESTAMP;
