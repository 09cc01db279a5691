-- "For you": when each person last read their list, so that what came after counts as unread.
CREATE TABLE inbox_seen (
    username VARCHAR PRIMARY KEY,
    seen_at TIMESTAMP NOT NULL
);
