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
    before JSON,
    after JSON
);

CREATE TABLE follows (
    username VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    target VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (username, kind, target)
);
