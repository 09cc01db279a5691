"""Import history, the insights each import created, saved mappings and survey responses."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

import pyarrow as pa

from storage.cursor import Cursor
from storage.db import Database
from vocabulary.imports import ImportRecord, SurveyResponse

_IMPORT_COLUMNS = (
    "id",
    "file",
    "path",
    "size",
    "imported_by",
    "source",
    "mapping",
    "status",
    "rows",
    "inserted",
    "duplicates",
    "rejected",
    "responses",
    "pii",
    "started_at",
    "finished_at",
    "undone_at",
    "raw_dropped_at",
)


RUNNING_IMPORT = 1  # the kind of lock a process holds while it runs an import
_RESPONSES = pa.schema(
    [
        ("response_key", pa.string()),
        ("metric", pa.string()),
        ("score", pa.int32()),
        ("import_id", pa.int64()),
        ("insight_id", pa.int64()),
        ("segment", pa.string()),
        ("touchpoint", pa.string()),
        ("observed_at", pa.date32()),
        ("customer", pa.string()),
    ]
)


def _to_record(row: Sequence) -> ImportRecord:
    data = dict(zip(_IMPORT_COLUMNS, row, strict=True))
    data["mapping"], data["pii"] = json.loads(data["mapping"]), json.loads(data["pii"])
    return ImportRecord(**data)


class ImportRepository:
    """Typed access to the import tables."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def start(
        self, file: str, path: str, size: int, by: str | None, source: str | None, mapping: dict
    ) -> int:
        """Record an import as running; returns its id."""
        with self.db.transaction() as cur:
            import_id = cur.execute(
                "INSERT INTO imports (file, path, size, imported_by, source, mapping, status,"
                " started_at) VALUES (?, ?, ?, ?, ?, ?, 'running', localtimestamp)"
                " RETURNING id",
                [file, path, size, by, source, json.dumps(mapping)],
            ).fetchall()[0][0]
        self.db.hold(RUNNING_IMPORT, import_id)  # for as long as this process runs it
        return import_id

    def unfinished(self, file: str, size: int) -> ImportRecord | None:
        """The newest cancelled or interrupted import of a file with this name and size."""
        with self.db.read() as cur:
            rows = cur.execute(
                f"SELECT {', '.join(_IMPORT_COLUMNS)} FROM imports WHERE file = ? AND size = ?"
                " AND status IN ('cancelled', 'interrupted', 'partial') AND undone_at IS NULL"
                " ORDER BY id DESC LIMIT 1",
                [file, size],
            ).fetchall()
        return _to_record(rows[0]) if rows else None

    def set_status(self, import_id: int, status: str, counts: dict | None = None) -> None:
        """Record a new status and the running totals of an import."""
        counts = counts or {}
        assignments = ", ".join(f"{k} = ?" for k in counts)
        finished = "localtimestamp" if status != "running" else "NULL"
        values = [json.dumps(v) if isinstance(v, dict) else v for v in counts.values()]
        if status != "running":
            self.db.release(RUNNING_IMPORT, import_id)
        with self.db.transaction() as cur:
            cur.execute(
                f"UPDATE imports SET status = ?, finished_at = {finished}"
                f"{', ' + assignments if assignments else ''} WHERE id = ?",
                [status, *values, import_id],
            )

    def mark_interrupted(self) -> None:
        """Imports still 'running' whose process is gone (on DuckDB: every one, since only one
        process opens the file; on PostgreSQL: those no live process holds) are interrupted."""
        with self.db.read() as cur:
            running = [
                r[0]
                for r in cur.execute("SELECT id FROM imports WHERE status = 'running'").fetchall()
            ]
        orphans = [i for i in running if not self.db.held_elsewhere(RUNNING_IMPORT, i)]
        if orphans:
            with self.db.transaction() as cur:
                cur.execute(
                    "UPDATE imports SET status = 'interrupted' WHERE status = 'running'"
                    " AND id IN (SELECT unnest(?::BIGINT[]))",
                    [orphans],
                )

    def add_items(self, cur: Cursor, import_id: int, ids: list[int]) -> None:
        """Remember which insights an import created (inside the transaction storing them)."""
        if ids:
            cur.execute(
                "INSERT INTO import_items SELECT ?, unnest(?::BIGINT[]) ON CONFLICT DO NOTHING",
                [import_id, ids],
            )

    def count_stored(self, cur: Cursor, import_id: int, inserted: int, responses: int) -> None:
        """Add a stored batch's counts to its import (inside the transaction storing it)."""
        cur.execute(
            "UPDATE imports SET inserted = inserted + ?, responses = responses + ? WHERE id = ?",
            [inserted, responses, import_id],
        )

    def items_of(self, import_id: int, ids: list[int]) -> set[int]:
        """Which of these insights this import created."""
        with self.db.read() as cur:
            rows = cur.execute(
                "SELECT insight_id FROM import_items WHERE import_id = ?"
                " AND insight_id IN (SELECT unnest(?::BIGINT[]))",
                [import_id, ids],
            ).fetchall()
        return {r[0] for r in rows}

    def set_path(self, import_id: int, path: str) -> None:
        """Where an import's raw file is kept now (the import folder moves it aside)."""
        with self.db.transaction() as cur:
            cur.execute("UPDATE imports SET path = ? WHERE id = ?", [path, import_id])

    def get(self, import_id: int) -> ImportRecord | None:
        """One import."""
        with self.db.read() as cur:
            rows = cur.execute(
                f"SELECT {', '.join(_IMPORT_COLUMNS)} FROM imports WHERE id = ?", [import_id]
            ).fetchall()
        return _to_record(rows[0]) if rows else None

    def history(self, limit: int = 100) -> list[ImportRecord]:
        """Imports, newest first."""
        with self.db.read() as cur:
            rows = cur.execute(
                f"SELECT {', '.join(_IMPORT_COLUMNS)} FROM imports ORDER BY id DESC LIMIT ?",
                [limit],
            ).fetchall()
        return [_to_record(r) for r in rows]

    def undo(self, cur: Cursor, import_id: int, when: datetime) -> list[int]:
        """Soft-delete the live insights an import created; returns their ids."""
        ids = [
            r[0]
            for r in cur.execute(
                "SELECT i.id FROM insights i JOIN import_items m ON m.insight_id = i.id"
                " WHERE m.import_id = ? AND i.deleted_at IS NULL",
                [import_id],
            ).fetchall()
        ]
        cur.execute(
            "UPDATE insights SET deleted_at = ? WHERE id IN (SELECT unnest(?::BIGINT[]))",
            [when, ids],
        )
        cur.execute("UPDATE imports SET undone_at = ? WHERE id = ?", [when, import_id])
        return ids

    def redo(self, cur: Cursor, import_id: int) -> list[int]:
        """Restore exactly the insights the undo of an import deleted; returns their ids."""
        ids = [
            r[0]
            for r in cur.execute(
                "SELECT i.id FROM insights i JOIN import_items m ON m.insight_id = i.id"
                " JOIN imports p ON p.id = m.import_id"
                " WHERE m.import_id = ? AND i.deleted_at = p.undone_at",
                [import_id],
            ).fetchall()
        ]
        cur.execute(
            "UPDATE insights SET deleted_at = NULL WHERE id IN (SELECT unnest(?::BIGINT[]))", [ids]
        )
        cur.execute("UPDATE imports SET undone_at = NULL WHERE id = ?", [import_id])
        return ids

    # --- saved mappings ----------------------------------------------------------------------

    def save_mapping(self, cur: Cursor, name: str, mapping: dict[str, str], by: str | None) -> None:
        """Store (or replace) a named column mapping."""
        cur.execute(
            "INSERT INTO saved_mappings VALUES (?, ?, ?, localtimestamp) ON CONFLICT (name)"
            " DO UPDATE SET mapping = excluded.mapping, saved_by = excluded.saved_by,"
            " saved_at = excluded.saved_at",
            [name, json.dumps(mapping), by],
        )

    def mappings(self) -> dict[str, dict[str, str]]:
        """Every saved mapping by name."""
        with self.db.read() as cur:
            rows = cur.execute("SELECT name, mapping FROM saved_mappings ORDER BY name").fetchall()
        return {name: json.loads(mapping) for name, mapping in rows}

    def delete_mapping(self, cur: Cursor, name: str) -> None:
        """Forget a saved mapping."""
        cur.execute("DELETE FROM saved_mappings WHERE name = ?", [name])

    # --- survey responses --------------------------------------------------------------------

    def add_responses(self, cur: Cursor, responses: list[SurveyResponse]) -> int:
        """Store responses not stored before (by key and metric); returns how many were new."""
        if not responses:
            return 0
        keys = [f"{r.metric}:{r.response_key}" for r in responses]
        known = {
            r[0]
            for r in cur.execute(
                "SELECT metric || ':' || response_key FROM survey_responses"
                " WHERE metric || ':' || response_key IN (SELECT unnest(?::VARCHAR[]))",
                [keys],
            ).fetchall()
        }
        fresh, seen = [], set(known)
        for key, r in zip(keys, responses, strict=True):
            if key not in seen:
                seen.add(key)
                fresh.append(r)
        if fresh:
            table = pa.Table.from_pylist([r.model_dump() for r in fresh], schema=_RESPONSES)
            cur.register("new_responses", table)
            try:
                cur.execute(
                    f"INSERT INTO survey_responses ({', '.join(_RESPONSES.names)}, created_at)"
                    f" SELECT *, localtimestamp FROM new_responses"
                )
            finally:
                cur.unregister("new_responses")
        return len(fresh)

    def responses(self, metric: str) -> list[SurveyResponse]:
        """Every live response of a metric (responses of undone imports left out)."""
        with self.db.read() as cur:
            rows = cur.execute(
                "SELECT r.response_key, r.metric, r.score, r.import_id, r.insight_id, r.segment,"
                " r.touchpoint, r.observed_at, r.customer FROM survey_responses r"
                " LEFT JOIN imports p ON p.id = r.import_id"
                " WHERE r.metric = ? AND p.undone_at IS NULL ORDER BY r.observed_at",
                [metric],
            ).fetchall()
        return [SurveyResponse(**dict(zip(_RESPONSES.names, r, strict=True))) for r in rows]
