"""The "For you" list: what happened in what a person follows or voted for, from the tables."""

from __future__ import annotations

from datetime import datetime

from storage.cursor import Cursor
from storage.db import Database

# One row per event: (kind, about, insight_id, question_id, happened_at). A person's own
# insights are left out (they know about them); so are insights from before they followed (both
# stamped to the second: one added in the second of following does not count). Evidence and
# answers count from the second of the vote or follow on.
_ITEMS = """
WITH followed AS (SELECT kind, target, created_at FROM follows WHERE username = $who),
questions_of_mine AS (
    SELECT q.id AS question_id, f.created_at AS since FROM followed f
    JOIN questions q ON CAST(q.id AS VARCHAR) = f.target WHERE f.kind = 'question'
    UNION ALL
    SELECT question_id, voted_at FROM question_votes WHERE user_id = $who
),
watched AS (SELECT question_id, min(since) AS since FROM questions_of_mine GROUP BY question_id),
events AS (
    SELECT 'segment' AS kind, f.target AS about, i.id AS insight_id, NULL::BIGINT AS question_id,
           i.created_at AS happened_at
    FROM followed f JOIN insights i ON i.segment = f.target
    WHERE f.kind = 'segment' AND i.created_at > f.created_at
      AND i.deleted_at IS NULL AND i.created_by IS DISTINCT FROM $who
    UNION ALL
    SELECT 'theme', coalesce(t.name, t.label), i.id, NULL, i.created_at
    FROM followed f JOIN themes t ON CAST(t.id AS VARCHAR) = f.target
    JOIN theme_members m ON m.theme_id = t.id JOIN insights i ON i.id = m.insight_id
    WHERE f.kind = 'theme' AND i.created_at > f.created_at
      AND i.deleted_at IS NULL AND i.created_by IS DISTINCT FROM $who
    UNION ALL
    SELECT 'evidence', q.text, e.insight_id, q.id, e.created_at
    FROM watched w JOIN questions q ON q.id = w.question_id
    JOIN question_evidence e ON e.question_id = q.id JOIN insights i ON i.id = e.insight_id
    WHERE e.status <> 'dismissed' AND e.created_at >= date_trunc('second', w.since)
      AND i.deleted_at IS NULL
    UNION ALL
    SELECT 'answer', q.text, NULL, q.id, h.changed_at
    FROM watched w JOIN questions q ON q.id = w.question_id
    JOIN question_status_history h ON h.question_id = q.id
    WHERE h.to_status = 'answered' AND h.changed_at >= date_trunc('second', w.since)
)
"""


class InboxRepository:
    """Events for a person's "For you" list, and when they last read it."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def items(self, username: str, limit: int) -> list[tuple]:
        """(kind, about, insight_id, question_id, happened_at), newest first."""
        with self.db.read() as cur:
            return cur.execute(
                _ITEMS + " SELECT DISTINCT * FROM events ORDER BY happened_at DESC LIMIT $limit",
                {"who": username, "limit": limit},
            ).fetchall()

    def unread(self, username: str) -> int:
        """How many events came after the person last read the list."""
        with self.db.read() as cur:
            row = cur.execute(
                _ITEMS
                + " SELECT count(*) FROM (SELECT DISTINCT * FROM events) e WHERE e.happened_at >"
                " coalesce((SELECT seen_at FROM inbox_seen WHERE username = $who),"
                " TIMESTAMP '1970-01-01')",
                {"who": username},
            ).fetchone()
        return row[0] if row else 0

    def seen_at(self, username: str) -> datetime | None:
        """When the person last read the list (None: never)."""
        with self.db.read() as cur:
            row = cur.execute(
                "SELECT seen_at FROM inbox_seen WHERE username = ?", [username]
            ).fetchone()
        return row[0] if row else None

    def mark_seen(self, cur: Cursor, username: str, when: datetime) -> None:
        """Everything up to `when` is read."""
        cur.execute(
            "INSERT INTO inbox_seen VALUES (?, ?) ON CONFLICT (username) DO UPDATE"
            " SET seen_at = excluded.seen_at",
            [username, when],
        )
