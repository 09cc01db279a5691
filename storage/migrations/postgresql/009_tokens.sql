-- Personal access tokens of the HTTP API (issue 30): a person's own, acting as them. Only the
-- SHA-256 of the secret is kept (a backup holds no usable token); `prefix` is its first
-- characters, shown so a person can tell their tokens apart. Scopes: read, write, import,
-- comma-separated.
CREATE TABLE api_tokens (
    id VARCHAR PRIMARY KEY,
    secret_hash VARCHAR NOT NULL UNIQUE,
    prefix VARCHAR NOT NULL,
    username VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    scopes VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at TIMESTAMP
);
