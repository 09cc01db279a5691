"""Themes, their members and recompute runs: all the SQL for them."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pyarrow as pa

from storage.cursor import Cursor
from storage.db import Database, add_range
from vocabulary.knowledge import Theme

_THEME = "SELECT t.id, t.label, t.name, t.pinned, t.size, t.created_at, t.updated_at FROM themes t"
_KEYS = ("id", "terms", "name", "pinned", "size", "created_at", "updated_at")


def _theme(row, insight_ids: list[int]) -> Theme:
    data = dict(zip(_KEYS, row, strict=True))
    return Theme(**data, label=data["name"] or data["terms"], insight_ids=insight_ids)


PERIOD_SQL = {"week": "week", "month": "month"}


class ThemeRepository:
    """Typed access to the theme tables."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def all(self, with_members: bool = True) -> list[Theme]:
        """Every theme, pinned first, then by size; members most central first."""
        with self.db.read() as cur:
            rows = cur.execute(f"{_THEME} ORDER BY t.pinned DESC, t.size DESC, t.id").fetchall()
            members: dict[int, list[int]] = {}
            if with_members:
                for theme_id, ids in cur.execute(
                    "SELECT m.theme_id, array_agg(m.insight_id ORDER BY m.score DESC, m.insight_id)"
                    " FROM theme_members m JOIN insights i ON i.id = m.insight_id"
                    " WHERE i.deleted_at IS NULL GROUP BY m.theme_id"
                ).fetchall():
                    members[theme_id] = list(ids)
        return [_theme(r, members.get(r[0], [])) for r in rows]

    def get(self, theme_id: int) -> Theme | None:
        """One theme with its live members, most central first."""
        with self.db.read() as cur:
            rows = cur.execute(f"{_THEME} WHERE t.id = ?", [theme_id]).fetchall()
            if not rows:
                return None
            ids = cur.execute(
                "SELECT m.insight_id FROM theme_members m JOIN insights i ON i.id = m.insight_id"
                " WHERE m.theme_id = ? AND i.deleted_at IS NULL"
                " ORDER BY m.score DESC, m.insight_id",
                [theme_id],
            ).fetchall()
        return _theme(rows[0], [i[0] for i in ids])

    def seeds(self) -> tuple[list[int], np.ndarray | None]:
        """Theme ids and centroids to seed the next run: pinned and named ones first."""
        with self.db.read() as cur:
            rows = cur.execute(
                "SELECT id, centroid FROM themes ORDER BY pinned DESC, name IS NULL, size DESC, id"
            ).fetchall()
        if not rows:
            return [], None
        return [r[0] for r in rows], np.asarray([r[1] for r in rows], dtype=np.float32)

    def centroids(self) -> tuple[list[int], np.ndarray | None, np.ndarray]:
        """Theme ids, centroids, and each theme's weakest member score."""
        with self.db.read() as cur:
            rows = cur.execute(
                "SELECT t.id, min(t.centroid), min(m.score)"  # one centroid per theme
                " FROM themes t JOIN theme_members m ON m.theme_id = t.id"
                " GROUP BY t.id ORDER BY t.id"
            ).fetchall()
        if not rows:
            return [], None, np.zeros(0, np.float32)
        return (
            [r[0] for r in rows],
            np.asarray([r[1] for r in rows], dtype=np.float32),
            np.asarray([r[2] for r in rows], dtype=np.float32),
        )

    def join(self, cur: Cursor, members: list[tuple[int, int, float]], when: datetime) -> None:
        """Put insights into themes as (theme id, insight id, score), out of any theme they
        were in; the sizes of the themes touched follow."""
        ids = [insight_id for _, insight_id, _ in members]
        left = cur.execute(
            "SELECT DISTINCT theme_id FROM theme_members"
            " WHERE insight_id IN (SELECT unnest(?::BIGINT[]))",
            [ids],
        ).fetchall()
        touched = sorted({r[0] for r in left} | {theme_id for theme_id, _, _ in members})
        cur.execute(
            "DELETE FROM theme_members WHERE insight_id IN (SELECT unnest(?::BIGINT[]))", [ids]
        )
        cur.executemany("INSERT INTO theme_members VALUES (?, ?, ?)", members)
        cur.execute(
            "UPDATE themes SET updated_at = ?,"
            " size = (SELECT count(*) FROM theme_members m WHERE m.theme_id = themes.id)"
            " WHERE id IN (SELECT unnest(?::BIGINT[]))",
            [when, touched],
        )

    def memberships(self) -> dict[int, set[int]]:
        """Theme id -> its member insight ids (live or not), for matching a new run."""
        with self.db.read() as cur:
            rows = cur.execute(
                "SELECT theme_id, array_agg(insight_id) FROM theme_members GROUP BY theme_id"
            ).fetchall()
        return {theme_id: set(ids) for theme_id, ids in rows}

    def themes_of(self, insight_ids: list[int]) -> dict[int, int]:
        """Insight id -> the theme it belongs to most (its highest member score)."""
        if not insight_ids:
            return {}
        with self.db.read() as cur:
            rows = cur.execute(
                "SELECT insight_id, theme_id FROM theme_members"
                " WHERE insight_id IN (SELECT unnest(?::BIGINT[]))"
                " ORDER BY insight_id, score DESC, theme_id",
                [list(insight_ids)],
            ).fetchall()
        found: dict[int, int] = {}
        for insight_id, theme_id in rows:
            found.setdefault(insight_id, theme_id)
        return found

    def names(self) -> dict[int, tuple[str | None, bool]]:
        """Theme id -> (name given by a person, pinned)."""
        with self.db.read() as cur:
            rows = cur.execute("SELECT id, name, pinned FROM themes").fetchall()
        return {r[0]: (r[1], r[2]) for r in rows}

    def replace_all(
        self,
        cur: Cursor,
        themes: list[tuple[int | None, str, str | None, bool, np.ndarray, int]],
        members: list[tuple[int, np.ndarray, np.ndarray]],
        when: datetime,
    ) -> list[int]:
        """Write a run: (id or None, label, name, pinned, centroid, size) per theme and
        (theme position, insight ids, scores); returns the theme ids in order."""
        ids = []
        keep = [t[0] for t in themes if t[0] is not None]
        cur.execute("DELETE FROM themes WHERE id NOT IN (SELECT unnest(?::BIGINT[]))", [keep])
        cur.execute("DELETE FROM theme_members")
        for theme_id, label, name, pinned, centroid, size in themes:
            if theme_id is None:
                theme_id = cur.execute(
                    "INSERT INTO themes"
                    " (label, name, pinned, centroid, size, created_at, updated_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    [label, name, pinned, centroid.tolist(), size, when, when],
                ).fetchall()[0][0]
            else:
                cur.execute(
                    "UPDATE themes SET label = ?, centroid = ?, size = ?, updated_at = ?"
                    " WHERE id = ?",
                    [label, centroid.tolist(), size, when, theme_id],
                )
            ids.append(theme_id)
        self._insert_members(cur, [(ids[p], i, s) for p, i, s in members])
        return ids

    @staticmethod
    def _insert_members(cur: Cursor, members: list[tuple[int, np.ndarray, np.ndarray]]) -> None:
        if not members:
            return
        table = pa.table(
            {
                "theme_id": pa.array(
                    np.concatenate([np.full(len(i), t) for t, i, _ in members]), pa.int64()
                ),
                "insight_id": pa.array(np.concatenate([i for _, i, _ in members]), pa.int64()),
                "score": pa.array(np.concatenate([s for _, _, s in members]), pa.float32()),
            }
        )
        cur.register("new_members", table)
        try:
            cur.execute(
                "INSERT INTO theme_members SELECT * FROM new_members"
                " ON CONFLICT (theme_id, insight_id) DO UPDATE SET score = excluded.score"
            )
        finally:
            cur.unregister("new_members")

    def record_run(
        self, cur: Cursor, insights: int, themes: int, seconds: float, when: datetime
    ) -> None:
        """Remember when themes were last computed."""
        cur.execute("INSERT INTO theme_runs VALUES (?, ?, ?, ?)", [when, insights, themes, seconds])

    def last_run(self) -> tuple[datetime, int, int, float] | None:
        """(when, insights, themes, seconds) of the latest recompute."""
        with self.db.read() as cur:
            rows = cur.execute(
                "SELECT * FROM theme_runs ORDER BY computed_at DESC LIMIT 1"
            ).fetchall()
        return rows[0] if rows else None

    def set_name(
        self, cur: Cursor, theme_id: int, name: str | None, pinned: bool | None, when
    ) -> None:
        """Rename and/or (un)pin a theme."""
        if name is not None:
            cur.execute(
                "UPDATE themes SET name = ?, updated_at = ? WHERE id = ?",
                [name or None, when, theme_id],
            )
        if pinned is not None:
            cur.execute(
                "UPDATE themes SET pinned = ?, updated_at = ? WHERE id = ?",
                [pinned, when, theme_id],
            )

    def move_members(self, cur: Cursor, source: int, target: int) -> None:
        """Move every member of one theme into another and delete the emptied theme."""
        cur.execute(
            "INSERT INTO theme_members SELECT ?, insight_id, score FROM theme_members"
            " WHERE theme_id = ? ON CONFLICT DO NOTHING",
            [target, source],
        )
        cur.execute("DELETE FROM theme_members WHERE theme_id = ?", [source])
        cur.execute("DELETE FROM themes WHERE id = ?", [source])

    def update_theme(
        self, cur: Cursor, theme_id: int, centroid: np.ndarray, size: int, when
    ) -> None:
        """New centroid and size after members moved."""
        cur.execute(
            "UPDATE themes SET centroid = ?, size = ?, updated_at = ? WHERE id = ?",
            [centroid.tolist(), size, when, theme_id],
        )

    def add_theme(self, cur: Cursor, label: str, centroid: np.ndarray, ids, scores, when) -> int:
        """A new theme with these members (taken from wherever they were)."""
        theme_id = cur.execute(
            "INSERT INTO themes (label, centroid, size, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?) RETURNING id",
            [label, centroid.tolist(), len(ids), when, when],
        ).fetchall()[0][0]
        cur.execute(
            "DELETE FROM theme_members WHERE insight_id IN (SELECT unnest(?::BIGINT[]))",
            [list(map(int, ids))],
        )
        self._insert_members(cur, [(theme_id, np.asarray(ids), np.asarray(scores))])
        return theme_id

    def volumes(
        self, period: str, start: date | None, end: date | None, theme_ids: list[int] | None = None
    ) -> list[tuple[int, date, int]]:
        """(theme id, period start, insights) by the insights' observation date; an insight
        whose date is unknown (an undated imported row) belongs to no period and is left out:
        its storing time is not when it happened."""
        unit = PERIOD_SQL[period]
        day = "i.observed_at"
        clauses, params = ["i.deleted_at IS NULL", "i.observed_at IS NOT NULL"], list[object]()
        add_range(clauses, params, day, start, end)
        if theme_ids is not None:
            clauses.append("m.theme_id IN (SELECT unnest(?::BIGINT[]))")
            params.append(theme_ids)
        with self.db.read() as cur:
            return cur.execute(
                f"SELECT m.theme_id, CAST(date_trunc('{unit}', {day}) AS DATE) AS p, count(*)"
                " FROM theme_members m JOIN insights i ON i.id = m.insight_id"
                f" WHERE {' AND '.join(clauses)} GROUP BY 1, 2 ORDER BY 1, 2",
                params,
            ).fetchall()

    def profile(self, theme_id: int) -> dict[str, list[tuple]]:
        """A theme's mix of sentiments, segments, sources and studies (value, insights)."""
        out = {}
        with self.db.read() as cur:
            for column in ("sentiment", "segment", "source", "study_id"):
                out[column] = cur.execute(
                    f"SELECT i.{column}, count(*) FROM theme_members m JOIN insights i"
                    " ON i.id = m.insight_id WHERE m.theme_id = ? AND i.deleted_at IS NULL"
                    " GROUP BY 1 ORDER BY 2 DESC, 1",
                    [theme_id],
                ).fetchall()
        return out
