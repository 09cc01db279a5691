-- Server-side settings (for example the key that signs "stay signed in" tokens).
CREATE TABLE settings (
    key VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);
