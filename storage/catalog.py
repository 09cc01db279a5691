"""Studies and the editable choice lists (segments, touchpoints, journey stages, channels)."""

from __future__ import annotations

from storage.cursor import Cursor
from storage.db import Database
from vocabulary.knowledge import Study, StudyIn

_STUDY_COLUMNS = (
    "id",
    "title",
    "method",
    "started_on",
    "ended_on",
    "owner",
    "description",
    "created_at",
)


class CatalogRepository:
    """Studies and choice lists."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def create_study(self, cur: Cursor, study: StudyIn) -> int:
        """Insert a study; returns its id."""
        return cur.execute(
            "INSERT INTO studies (title, method, started_on, ended_on, owner, description)"
            " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            [
                study.title,
                study.method,
                study.started_on,
                study.ended_on,
                study.owner,
                study.description,
            ],
        ).fetchall()[0][0]

    def studies(self, ids: list[int] | None = None) -> list[Study]:
        """Studies (all, or those with the given ids), newest first, with live insight counts."""
        where, params = ("WHERE s.id IN (SELECT unnest(?::BIGINT[]))", [ids]) if ids else ("", [])
        with self.db.read() as cur:
            rows = cur.execute(
                f"SELECT {', '.join('s.' + c for c in _STUDY_COLUMNS)}, count(i.id)"
                " FROM studies s LEFT JOIN insights i ON i.study_id = s.id AND i.deleted_at IS NULL"
                f" {where} GROUP BY {', '.join('s.' + c for c in _STUDY_COLUMNS)}"
                " ORDER BY s.created_at DESC, s.id DESC",
                params,
            ).fetchall()
        return [
            Study(**dict(zip(_STUDY_COLUMNS, r[:-1], strict=True)), insight_count=r[-1])
            for r in rows
        ]

    def choices(self, field: str) -> list[str]:
        """The values offered for a field, in their order."""
        with self.db.read() as cur:
            rows = cur.execute(
                "SELECT value FROM choices WHERE field = ? ORDER BY position, value", [field]
            ).fetchall()
        return [r[0] for r in rows]

    def add_choice(self, cur: Cursor, field: str, value: str) -> None:
        """Append a value to a field's list (no-op when present)."""
        cur.execute(
            "INSERT INTO choices SELECT ?, ?, coalesce(max(position), 0) + 1 FROM choices"
            " WHERE field = ? ON CONFLICT DO NOTHING",
            [field, value, field],
        )

    def replace_choices(self, cur: Cursor, field: str, values: list[str]) -> None:
        """Make `values`, in this order, a field's whole list."""
        cur.execute("DELETE FROM choices WHERE field = ?", [field])
        cur.executemany(
            "INSERT INTO choices VALUES (?, ?, ?)",
            [[field, value, position] for position, value in enumerate(values, start=1)],
        )

    def rename_value(self, cur: Cursor, field: str, old: str, new: str) -> None:
        """Move the live insights carrying `old` in a choice field to `new`."""
        assert field in ("segment", "touchpoint", "journey_stage", "channel")  # a column name
        cur.execute(
            f"UPDATE insights SET {field} = ? WHERE {field} = ? AND deleted_at IS NULL", [new, old]
        )
