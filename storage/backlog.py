"""All SQL of the research backlog: questions, votes, status history, evidence, vectors."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import numpy as np
import pyarrow as pa

from storage.cursor import Cursor
from storage.db import Database
from vocabulary.backlog import Question, QuestionEvidence, QuestionIn, StatusChange

_QUESTION_COLUMNS = (
    "id",
    "text",
    "decision",
    "team",
    "impact",
    "effort",
    "decision_date",
    "tags",
    "segments",
    "asked_by",
    "status",
    "answer",
    "drop_reason",
    "created_at",
    "updated_at",
)


def _select(ids_filter: str, voters: bool) -> str:
    """One row per question with its votes, voter teams, confirmed relations and unreviewed
    matches; `ids_filter` narrows every part early (a vote reads one question, not all)."""
    return f"""
WITH v AS (
    SELECT question_id, count(*) AS votes,
        {"array_agg(user_id ORDER BY user_id)" if voters else "ARRAY[]::VARCHAR[]"} AS voters,
        array_agg(DISTINCT team ORDER BY team) FILTER (WHERE team IS NOT NULL) AS teams
    FROM question_votes WHERE {ids_filter.format(column="question_id")} GROUP BY question_id
), e AS (
    SELECT e.question_id,
        array_agg(e.relation) FILTER (WHERE e.status = 'confirmed') AS relations,
        count(*) FILTER (WHERE e.status = 'suggested') AS new_evidence
    FROM question_evidence e JOIN insights i ON i.id = e.insight_id AND i.deleted_at IS NULL
    WHERE {ids_filter.format(column="e.question_id")} GROUP BY e.question_id
)
SELECT {", ".join("q." + c for c in _QUESTION_COLUMNS)}, coalesce(v.votes, 0),
    coalesce(v.voters, ARRAY[]::VARCHAR[]), coalesce(v.teams, ARRAY[]::VARCHAR[]),
    coalesce(e.relations, ARRAY[]::VARCHAR[]),
    coalesce(e.new_evidence, 0)
FROM questions q LEFT JOIN v ON v.question_id = q.id LEFT JOIN e ON e.question_id = q.id
WHERE {ids_filter.format(column="q.id")}
"""


def _row_to_question(row: Sequence) -> tuple[Question, list[str]]:
    data = dict(zip(_QUESTION_COLUMNS, row[: len(_QUESTION_COLUMNS)], strict=True))
    votes, voters, teams, relations, new_evidence = row[len(_QUESTION_COLUMNS) :]
    # Validated when written; reading 10,000 questions must not validate them again.
    # Every field is given: pydantic inspects default factories slowly in model_construct.
    question = Question.model_construct(
        **data,
        votes=votes,
        voters=voters,
        teams=teams,
        new_evidence=new_evidence,
        explanation=[],
        confidence=0.0,
        priority=0.0,
    )
    return question, relations


class BacklogRepository:
    """Typed access to the backlog tables."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def insert(self, cur: Cursor, question: QuestionIn, when: datetime) -> int:
        """Store a new open question; returns its id."""
        question_id = cur.execute(
            "INSERT INTO questions (text, decision, team, impact, effort, decision_date, tags,"
            " segments, asked_by, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?::VARCHAR[], ?::VARCHAR[], ?, ?, ?) RETURNING id",
            [
                question.text,
                question.decision,
                question.team,
                question.impact,
                question.effort,
                question.decision_date,
                question.tags,
                question.segments,
                question.asked_by,
                when,
                when,
            ],
        ).fetchall()[0][0]
        self.log_status(cur, question_id, None, "open", question.asked_by, when, None)
        return question_id

    def questions(
        self, ids: Sequence[int] | None = None, status: str | None = None
    ) -> list[tuple[Question, list[str]]]:
        """Questions (with the relations of their confirmed evidence), by id or by status."""
        params: dict[str, object] = {}
        if ids is not None:
            ids_filter, params["ids"] = "{column} IN (SELECT unnest($ids::BIGINT[]))", list(ids)
        else:
            ids_filter = "true"
        # Who voted is read for a few questions at a time; for the whole backlog, `my_votes`.
        sql = _select(ids_filter, voters=ids is not None)
        if status is not None:
            sql += " AND q.status = $status"
            params["status"] = status
        with self.db.read() as cur:
            rows = cur.execute(sql + " ORDER BY q.id", params).fetchall()
        return [_row_to_question(r) for r in rows]

    def open_at_stage(self, stage: str) -> list[int]:
        """Open or in-research questions with evidence (suggested or confirmed) from live
        insights at a journey stage, most evidence first."""
        with self.db.read() as cur:
            rows = cur.execute(
                "SELECT q.id FROM questions q JOIN question_evidence e ON e.question_id = q.id"
                " JOIN insights i ON i.id = e.insight_id"
                " WHERE i.journey_stage = ? AND i.deleted_at IS NULL AND e.status <> 'dismissed'"
                " AND q.status IN ('open', 'in research')"
                " GROUP BY q.id ORDER BY count(*) DESC, q.id",
                [stage],
            ).fetchall()
        return [r[0] for r in rows]

    def my_votes(self, user_id: str) -> set[int]:
        """The questions a person has voted for."""
        with self.db.read() as cur:
            rows = cur.execute(
                "SELECT question_id FROM question_votes WHERE user_id = ?", [user_id]
            ).fetchall()
        return {r[0] for r in rows}

    def status(self, question_id: int) -> str | None:
        """A question's status, or None when there is no such question."""
        with self.db.read() as cur:
            rows = cur.execute(
                "SELECT status FROM questions WHERE id = ?", [question_id]
            ).fetchall()
        return rows[0][0] if rows else None

    def set_vote(
        self,
        cur: Cursor,
        question_id: int,
        user_id: str,
        team: str | None,
        on: bool,
    ) -> None:
        """Hold or withdraw one person's vote (idempotent)."""
        if on:
            cur.execute(
                "INSERT INTO question_votes (question_id, user_id, team) VALUES (?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                [question_id, user_id, team],
            )
        else:
            cur.execute(
                "DELETE FROM question_votes WHERE question_id = ? AND user_id = ?",
                [question_id, user_id],
            )

    def update_status(
        self,
        cur: Cursor,
        question: Question,
        status: str,
        by: str | None,
        when: datetime,
        answer: str | None,
        reason: str | None,
    ) -> None:
        """Change a question's status and keep the change in the history."""
        cur.execute(
            "UPDATE questions SET status = ?, answer = ?, drop_reason = ?, updated_at = ?"
            " WHERE id = ?",
            [status, answer, reason, when, question.id],
        )
        self.log_status(cur, question.id, question.status, status, by, when, answer or reason)

    def log_status(self, cur: Cursor, question_id, from_status, to_status, by, when, note) -> None:
        """Append to the status history."""
        cur.execute(
            "INSERT INTO question_status_history VALUES (?, ?, ?, ?, ?, ?)",
            [question_id, from_status, to_status, by, when, note],
        )

    def history(self, question_id: int) -> list[StatusChange]:
        """Every status change of a question, oldest first."""
        with self.db.read() as cur:
            rows = cur.execute(
                "SELECT question_id, from_status, to_status, changed_by, changed_at, note"
                " FROM question_status_history WHERE question_id = ?"
                f" ORDER BY changed_at, {self.db.insertion_order}",
                [question_id],
            ).fetchall()
        keys = ("question_id", "from_status", "to_status", "by", "at", "note")
        return [StatusChange(**dict(zip(keys, r, strict=True))) for r in rows]

    def suggest(self, cur: Cursor, rows: list[tuple[int, int, float]]) -> None:
        """Record (question, insight, score) matches; pairs already known are left alone."""
        if not rows:
            return
        table = pa.table(
            {
                "question_id": pa.array([q for q, _, _ in rows], pa.int64()),
                "insight_id": pa.array([i for _, i, _ in rows], pa.int64()),
                "score": pa.array([s for _, _, s in rows], pa.float64()),
            }
        )
        cur.register("new_matches", table)
        try:
            cur.execute(
                "INSERT INTO question_evidence (question_id, insight_id, score, status)"
                " SELECT question_id, insight_id, score, 'suggested' FROM new_matches"
                " ON CONFLICT DO NOTHING"
            )
        finally:
            cur.unregister("new_matches")

    def decide_evidence(
        self,
        cur: Cursor,
        question_id: int,
        insight_id: int,
        status: str,
        relation: str | None,
        by: str | None,
        when: datetime,
        score: float = 0.0,
    ) -> None:
        """Confirm (with a relation) or dismiss a match, creating it if a person links by hand."""
        cur.execute(
            "INSERT INTO question_evidence (question_id, insight_id, score, status, relation,"
            " decided_by, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (question_id, insight_id) DO UPDATE SET"
            " status = excluded.status, relation = excluded.relation,"
            " decided_by = excluded.decided_by, decided_at = excluded.decided_at",
            [question_id, insight_id, score, status, relation, by, when],
        )

    def evidence(
        self,
        question_id: int | None = None,
        insight_id: int | None = None,
        statuses: tuple[str, ...] = ("suggested", "confirmed"),
    ) -> list[QuestionEvidence]:
        """Matches of a question or of an insight (live insights only), best first."""
        column, value = (
            ("question_id", question_id) if question_id is not None else ("insight_id", insight_id)
        )
        with self.db.read() as cur:
            rows = cur.execute(
                "SELECT e.question_id, e.insight_id, e.score, e.status, e.relation, e.decided_by"
                " FROM question_evidence e JOIN insights i ON i.id = e.insight_id"
                f" WHERE e.{column} = ? AND i.deleted_at IS NULL"
                " AND e.status IN (SELECT unnest(?::VARCHAR[]))"
                " ORDER BY e.status = 'confirmed' DESC, e.score DESC",
                [value, list(statuses)],
            ).fetchall()
        keys = ("question_id", "insight_id", "score", "status", "relation", "decided_by")
        return [QuestionEvidence(**dict(zip(keys, r, strict=True))) for r in rows]

    def evidence_of(self, insight_ids: list[int]) -> list[QuestionEvidence]:
        """Suggested and confirmed matches of these (live) insights, confirmed first."""
        if not insight_ids:
            return []
        with self.db.read() as cur:
            rows = cur.execute(
                "SELECT e.question_id, e.insight_id, e.score, e.status, e.relation, e.decided_by"
                " FROM question_evidence e JOIN insights i ON i.id = e.insight_id"
                " WHERE e.insight_id IN (SELECT unnest(?::BIGINT[])) AND i.deleted_at IS NULL"
                " AND e.status IN ('suggested', 'confirmed')"
                " ORDER BY e.status = 'confirmed' DESC, e.score DESC",
                [list(insight_ids)],
            ).fetchall()
        keys = ("question_id", "insight_id", "score", "status", "relation", "decided_by")
        return [QuestionEvidence(**dict(zip(keys, r, strict=True))) for r in rows]

    def evidence_between(self, insight_ids: list[int], start: datetime, end: datetime) -> set[int]:
        """Which of these insights were suggested or confirmed as evidence at `start` or later
        and before `end` (the match still stands)."""
        if not insight_ids:
            return set()
        with self.db.read() as cur:
            rows = cur.execute(
                "SELECT DISTINCT insight_id FROM question_evidence"
                " WHERE insight_id IN (SELECT unnest(?::BIGINT[]))"
                " AND status IN ('suggested', 'confirmed')"
                " AND ((created_at >= ? AND created_at < ?)"
                " OR (decided_at >= ? AND decided_at < ?))",
                [list(insight_ids), start, end, start, end],
            ).fetchall()
        return {r[0] for r in rows}

    def store_vector(
        self, cur: Cursor, question_id: int, model_id: str, vector: np.ndarray
    ) -> None:
        """Keep a question's vector for matching new insights against it."""
        cur.execute(
            "INSERT INTO question_vectors VALUES (?, ?, ?) ON CONFLICT (question_id, model_id)"
            " DO UPDATE SET vector = excluded.vector",
            [question_id, model_id, vector.astype(np.float32).tolist()],
        )

    def vectors(self, model_id: str) -> tuple[list[int], list[str], list[np.ndarray | None]]:
        """Ids, texts and vectors (this model) of open and in-research questions."""
        with self.db.read() as cur:
            rows = cur.execute(
                "SELECT q.id, q.text, v.vector FROM questions q LEFT JOIN question_vectors v"
                " ON v.question_id = q.id AND v.model_id = ?"
                " WHERE q.status IN ('open', 'in research') ORDER BY q.id",
                [model_id],
            ).fetchall()
        ids = [r[0] for r in rows]
        texts = [r[1] for r in rows]
        vectors = [np.asarray(r[2], dtype=np.float32) if r[2] is not None else None for r in rows]
        return ids, texts, vectors
