"""Links between insights: suggestions, a person's decisions, and duplicate marks."""

from __future__ import annotations

from datetime import datetime

import pyarrow as pa

from storage.cursor import Cursor
from storage.db import Database
from vocabulary.knowledge import Link, LinkStatus


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


class LinkRepository:
    """One row per unordered pair; a rejected pair stays rejected."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def suggest(self, cur: Cursor, suggestions: list[tuple[int, int, float, bool]]) -> None:
        """Record suggested links (a, b, score, duplicate); pairs already known are left alone."""
        rows: dict[tuple[int, int], tuple] = {}
        for a, b, score, duplicate in suggestions:
            if a != b:
                rows.setdefault(_pair(a, b), (float(score), bool(duplicate)))
        if not rows:
            return
        table = pa.table(
            {
                "a": pa.array([a for a, _ in rows], pa.int64()),
                "b": pa.array([b for _, b in rows], pa.int64()),
                "score": pa.array([s for s, _ in rows.values()], pa.float64()),
                "duplicate": pa.array([d for _, d in rows.values()], pa.bool_()),
            }
        )
        cur.register("new_links", table)
        try:
            cur.execute(
                "INSERT INTO links (a, b, score, duplicate, status)"
                " SELECT a, b, score, duplicate, 'suggested' FROM new_links"
                " ON CONFLICT (a, b) DO NOTHING"
            )
        finally:
            cur.unregister("new_links")

    def decide(
        self,
        cur: Cursor,
        a: int,
        b: int,
        status: LinkStatus,
        by: str | None,
        score: float = 0.0,
    ) -> None:
        """Confirm or reject a pair (creating the row if a person links two insights by hand)."""
        a, b = _pair(a, b)
        cur.execute(
            "INSERT INTO links (a, b, score, status, decided_by, decided_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (a, b) DO UPDATE SET"
            " status = excluded.status, decided_by = excluded.decided_by,"
            " decided_at = excluded.decided_at",
            [a, b, score, str(status), by, datetime.now()],
        )

    def rejected_partners(self, insight_id: int) -> set[int]:
        """Insights a person said are not related to this one."""
        with self.db.read() as cur:
            rows = cur.execute(
                "SELECT CASE WHEN a = ? THEN b ELSE a END FROM links"
                " WHERE (a = ? OR b = ?) AND status = 'rejected'",
                [insight_id, insight_id, insight_id],
            ).fetchall()
        return {r[0] for r in rows}

    def for_insight(self, insight_id: int) -> list[Link]:
        """Suggested and confirmed links of an insight to live insights, best score first."""
        with self.db.read() as cur:
            rows = cur.execute(
                "SELECT CASE WHEN l.a = ? THEN l.b ELSE l.a END AS other, l.score, l.status,"
                " l.duplicate, l.decided_by FROM links l"
                " JOIN insights i ON i.id = CASE WHEN l.a = ? THEN l.b ELSE l.a END"
                " WHERE (l.a = ? OR l.b = ?) AND l.status <> 'rejected' AND i.deleted_at IS NULL"
                " ORDER BY l.status = 'confirmed' DESC, l.score DESC",
                [insight_id] * 4,
            ).fetchall()
        return [
            Link(insight_id=insight_id, other_id=o, score=s, status=st, duplicate=d, decided_by=by)
            for o, s, st, d, by in rows
        ]

    def partners_of(self, insight_ids: list[int]) -> dict[int, dict[str, list[int]]]:
        """For each insight, the live insights it is linked to: {"confirmed": [...],
        "suggested": [...]}, best score first (one query for a whole export)."""
        found: dict[int, dict[str, list[int]]] = {
            i: {"confirmed": [], "suggested": []} for i in insight_ids
        }
        with self.db.read() as cur:
            rows = cur.execute(
                "WITH wanted AS (SELECT unnest(?::BIGINT[]) AS id),"
                " sides AS (SELECT a AS me, b AS other, score, status FROM links"
                " UNION ALL SELECT b, a, score, status FROM links)"
                " SELECT s.me, s.other, s.status FROM sides s"
                " JOIN wanted w ON w.id = s.me JOIN insights i ON i.id = s.other"
                " WHERE s.status IN ('confirmed', 'suggested') AND i.deleted_at IS NULL"
                " ORDER BY s.me, s.score DESC",
                [list(insight_ids)],
            ).fetchall()
        for me, other, status in rows:
            found[me][status].append(other)
        return found

    def unlinked(self, limit: int) -> tuple[list[int], int]:
        """The newest live insights that linking has seen and found no partner for (no
        confirmed or suggested link to a live insight), and how many there are in all."""
        with self.db.read() as cur:
            rows = cur.execute(
                "SELECT i.id, COUNT(*) OVER () FROM insights i"
                " WHERE i.deleted_at IS NULL AND i.linked_at IS NOT NULL AND NOT EXISTS ("
                " SELECT 1 FROM links l JOIN insights o"
                " ON o.id = CASE WHEN l.a = i.id THEN l.b ELSE l.a END"
                " WHERE (l.a = i.id OR l.b = i.id) AND l.status IN ('confirmed', 'suggested')"
                " AND o.deleted_at IS NULL)"
                " ORDER BY i.created_at DESC, i.id DESC LIMIT ?",
                [limit],
            ).fetchall()
        return [r[0] for r in rows], rows[0][1] if rows else 0

    def touched_between(self, insight_ids: list[int], start: datetime, end: datetime) -> set[int]:
        """Which of these insights got a link to a live insight (suggested or confirmed) made
        or confirmed at `start` or later and before `end`."""
        if not insight_ids:
            return set()
        with self.db.read() as cur:
            rows = cur.execute(
                "WITH wanted AS (SELECT unnest(?::BIGINT[]) AS id),"
                " sides AS (SELECT a AS me, b AS other, status, created_at, decided_at FROM links"
                " UNION ALL SELECT b, a, status, created_at, decided_at FROM links)"
                " SELECT DISTINCT s.me FROM sides s"
                " JOIN wanted w ON w.id = s.me JOIN insights i ON i.id = s.other"
                " WHERE s.status IN ('confirmed', 'suggested') AND i.deleted_at IS NULL"
                " AND ((s.created_at >= ? AND s.created_at < ?)"
                " OR (s.decided_at >= ? AND s.decided_at < ?))",
                [list(insight_ids), start, end, start, end],
            ).fetchall()
        return {r[0] for r in rows}
