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

DELETE FROM settings WHERE key = 'session_key';
