-- The governed tag set (insights/tags.py): each tag a lowercase name (what insights carry), a
-- group, a description, and other names (synonyms in Finnish and English, and the names merged
-- or renamed into it) that land on it wherever a tag is entered. A tag on an insight that is in
-- neither table is a free tag.
CREATE SEQUENCE tag_id_seq START 1;

CREATE TABLE tags (
    id BIGINT PRIMARY KEY DEFAULT nextval('tag_id_seq'),
    name VARCHAR NOT NULL UNIQUE,
    tag_group VARCHAR NOT NULL DEFAULT '',
    description VARCHAR NOT NULL DEFAULT '',
    created_by VARCHAR,
    created_at TIMESTAMP NOT NULL
);

-- language: fi or en for a synonym a researcher gave, '' for a name merged or renamed into it.
CREATE TABLE tag_synonyms (
    synonym VARCHAR PRIMARY KEY,
    tag_id BIGINT NOT NULL,
    language VARCHAR NOT NULL DEFAULT ''
);
