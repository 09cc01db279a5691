-- Research backlog: questions, one vote per person per question, status history, evidence.
CREATE SEQUENCE question_id_seq START 1;

CREATE TABLE questions (
    id BIGINT PRIMARY KEY DEFAULT nextval('question_id_seq'),
    text VARCHAR NOT NULL,
    decision VARCHAR,
    team VARCHAR,
    impact INTEGER NOT NULL CHECK (impact BETWEEN 1 AND 5),
    effort INTEGER NOT NULL CHECK (effort BETWEEN 1 AND 5),
    decision_date DATE,
    tags VARCHAR[] NOT NULL DEFAULT [],
    segments VARCHAR[] NOT NULL DEFAULT [],
    asked_by VARCHAR,
    status VARCHAR NOT NULL DEFAULT 'open',
    answer VARCHAR,
    drop_reason VARCHAR,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- The primary key is the rule "one vote per person per question".
CREATE TABLE question_votes (
    question_id BIGINT NOT NULL,
    user_id VARCHAR NOT NULL,
    team VARCHAR,
    voted_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (question_id, user_id)
);

CREATE TABLE question_status_history (
    question_id BIGINT NOT NULL,
    from_status VARCHAR,
    to_status VARCHAR NOT NULL,
    changed_by VARCHAR,
    changed_at TIMESTAMP NOT NULL,
    note VARCHAR
);

-- status: suggested (by matching) | confirmed (then relation is set) | dismissed
CREATE TABLE question_evidence (
    question_id BIGINT NOT NULL,
    insight_id BIGINT NOT NULL,
    score DOUBLE NOT NULL,
    status VARCHAR NOT NULL,
    relation VARCHAR,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    decided_by VARCHAR,
    decided_at TIMESTAMP,
    PRIMARY KEY (question_id, insight_id)
);

CREATE TABLE question_vectors (
    question_id BIGINT NOT NULL,
    model_id VARCHAR NOT NULL,
    vector FLOAT[] NOT NULL,
    PRIMARY KEY (question_id, model_id)
);
