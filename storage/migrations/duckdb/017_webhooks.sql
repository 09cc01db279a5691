-- Webhooks out (issue 30): an admin's hook (a URL, the events it wants, its kind: json, slack
-- or teams) and its deliveries. The signing secret is kept as it is (the HMAC needs it); a
-- delivery keeps only the ids of what it is about (`subject`, JSON): the body is built when it
-- is sent, so an erased or deleted insight is never sent from a stale copy (each event is
-- queued once by its write: no unique key, which cost an add 1.5 ms in DuckDB). `allow_private`
-- lets one hook reach a private address.
CREATE TABLE webhooks (
    id VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    url VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    events VARCHAR NOT NULL,
    language VARCHAR NOT NULL,
    secret VARCHAR NOT NULL,
    allow_private BOOLEAN NOT NULL,
    enabled BOOLEAN NOT NULL,
    failures INTEGER NOT NULL,
    disabled_at TIMESTAMP,
    disabled_why VARCHAR,
    created_by VARCHAR,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE webhook_deliveries (
    id VARCHAR PRIMARY KEY,
    hook_id VARCHAR NOT NULL,
    event VARCHAR NOT NULL,
    subject VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL,
    next_at TIMESTAMP,
    attempts INTEGER NOT NULL,
    state VARCHAR NOT NULL,
    last_status INTEGER,
    last_response VARCHAR,
    last_at TIMESTAMP
);
