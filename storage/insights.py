"""Insights, their version history and their evidence: all the SQL for them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

import numpy as np
import pyarrow as pa

from storage.cursor import Cursor
from storage.db import Database
from vocabulary.knowledge import (
    NO_VALUE,
    Evidence,
    Insight,
    InsightIn,
    InsightVersion,
    SearchFilters,
)

_SCHEMA = pa.schema(
    [
        ("id", pa.int64()),
        ("text", pa.string()),
        ("title", pa.string()),
        ("kind", pa.string()),
        ("source", pa.string()),
        ("study_id", pa.int64()),
        ("author", pa.string()),
        ("team", pa.string()),
        ("segment", pa.string()),
        ("touchpoint", pa.string()),
        ("journey_stage", pa.string()),
        ("channel", pa.string()),
        ("sentiment", pa.string()),
        ("observed_at", pa.date32()),
        ("tags", pa.list_(pa.string())),
        ("language", pa.string()),
        ("external_id", pa.string()),
        ("content_hash", pa.string()),
        ("version", pa.int32()),
        ("created_at", pa.timestamp("us")),
        ("updated_at", pa.timestamp("us")),
        ("deleted_at", pa.timestamp("us")),
        ("created_by", pa.string()),
        ("source_url", pa.string()),
    ]
)
# One list of the columns: a new insight field is a line here (and its migrations)
COLUMNS = tuple(_SCHEMA.names)
_SELECT = f"SELECT {', '.join(COLUMNS)} FROM insights"


def _to_insight(row: Sequence) -> Insight:
    return Insight(**dict(zip(COLUMNS, row, strict=True)))


def _filter_sql(filters: SearchFilters) -> tuple[str, list]:
    clauses, params = ["deleted_at IS NULL"], []
    for name in (
        "kind",
        "source",
        "study_id",
        "segment",
        "touchpoint",
        "journey_stage",
        "sentiment",
        "team",
        "author",
    ):
        values = getattr(filters, name)
        if values:
            clause = f"{name} IN ({', '.join('?' for _ in values)})"
            if NO_VALUE in values:  # "(none)" as the journey map shows it: the field is empty
                clause = f"({clause} OR {name} IS NULL)"
            clauses.append(clause)
            params.extend(values)
    if filters.tags:
        clauses.append("tags && ?::VARCHAR[]")
        params.append(list(filters.tags))
    if filters.observed_from:
        clauses.append("observed_at >= ?")
        params.append(filters.observed_from)
    if filters.observed_to:
        clauses.append("observed_at <= ?")
        params.append(filters.observed_to)
    return " AND ".join(clauses), params


class InsightRepository:
    """Typed access to the insights table and what hangs off it."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def allocate_ids(self, cur: Cursor, count: int) -> list[int]:
        """Reserve `count` new insight ids."""
        rows = cur.execute(
            "SELECT nextval('insight_id_seq') FROM generate_series(1, ?)", [count]
        ).fetchall()
        return [row[0] for row in rows]

    def insert(self, cur: Cursor, insights: list[Insight]) -> None:
        """Insert fully formed insights (ids allocated) inside the caller's transaction."""
        records = [insight.model_dump() for insight in insights]
        table = pa.Table.from_pylist(records, schema=_SCHEMA)
        cur.register("new_insights", table)
        try:
            cur.execute(
                f"INSERT INTO insights ({', '.join(COLUMNS)}) "
                f"SELECT {', '.join(COLUMNS)} FROM new_insights"
            )
        finally:
            cur.unregister("new_insights")

    def existing(
        self,
        cur: Cursor,
        hashes: list[str],
        external_keys: list[tuple[str, str]],
    ) -> tuple[dict[str, int], dict[tuple, int]]:
        """Live insights that already hold one of these content hashes or (source, external id)."""
        by_hash: dict[str, int] = {}
        by_external: dict[tuple, int] = {}
        if hashes:
            for h, i in cur.execute(
                "SELECT content_hash, min(id) FROM insights WHERE deleted_at IS NULL"
                " AND content_hash IN (SELECT unnest(?::VARCHAR[])) GROUP BY content_hash",
                [hashes],
            ).fetchall():
                by_hash[h] = i
        if external_keys:
            for s, e, i in cur.execute(
                "SELECT source, external_id, min(id) FROM insights WHERE deleted_at IS NULL"
                " AND external_id IN (SELECT unnest(?::VARCHAR[])) GROUP BY source, external_id",
                [[e for _, e in external_keys]],
            ).fetchall():
                by_external[(s, e)] = i
        return by_hash, by_external

    def get_many(self, ids: Sequence[int], include_deleted: bool = False) -> list[Insight]:
        """The insights with these ids, in the order asked (missing ones left out)."""
        if not len(ids):
            return []
        alive = "" if include_deleted else " AND deleted_at IS NULL"
        with self.db.read() as cur:
            rows = cur.execute(
                f"{_SELECT} WHERE id IN (SELECT unnest(?::BIGINT[])){alive}", [list(map(int, ids))]
            ).fetchall()
        found = {row[0]: _to_insight(row) for row in rows}
        return [found[i] for i in map(int, ids) if i in found]

    def texts_and_languages(self, ids: Sequence[int]) -> dict[int, tuple[str, str]]:
        """Id -> (text, language) for these insights (theme labels over many)."""
        with self.db.read() as cur:
            rows = cur.execute(
                "SELECT id, text, language FROM insights WHERE id IN (SELECT unnest(?::BIGINT[]))",
                [list(map(int, ids))],
            ).fetchall()
        return {i: (text, language) for i, text, language in rows}

    def texts(self, ids: Sequence[int]) -> dict[int, str]:
        """Id -> text for these insights (a light read for analysis over many)."""
        with self.db.read() as cur:
            rows = cur.execute(
                "SELECT id, text FROM insights WHERE id IN (SELECT unnest(?::BIGINT[]))",
                [list(map(int, ids))],
            ).fetchall()
        return dict(rows)

    def update(self, cur: Cursor, old: Insight, new: Insight, edited_by: str | None) -> bool:
        """Write `new` over `old` only if the stored insight is still at `old`'s version (the
        compare and the write are one statement, so another writer in between, in any process,
        is seen), then keep `old` in the history; False, and nothing written, when it moved on."""
        fields = [c for c in COLUMNS if c not in ("id", "created_at", "deleted_at", "created_by")]
        written = cur.execute(
            f"UPDATE insights SET {', '.join(f'{c} = ?' for c in fields)}"
            " WHERE id = ? AND version = ? RETURNING id",
            [getattr(new, c) for c in fields] + [old.id, old.version],
        ).fetchall()
        if not written:
            return False
        data = InsightIn.model_validate(old.model_dump()).model_dump_json()
        cur.execute(
            "INSERT INTO insight_versions VALUES (?, ?, ?, ?, ?)",
            [old.id, old.version, data, edited_by, new.updated_at],
        )
        return True

    def current_versions(self, ids: Sequence[int]) -> dict[int, int]:
        """Id -> stored version of these insights (deleted ones included)."""
        if not len(ids):
            return {}
        with self.db.read() as cur:
            rows = cur.execute(
                "SELECT id, version FROM insights WHERE id IN (SELECT unnest(?::BIGINT[]))",
                [list(map(int, ids))],
            ).fetchall()
        return dict(rows)

    def last_edit(self, insight_id: int, version: int) -> tuple[str | None, datetime | None]:
        """Who made `version` of an insight, and when (from the history row of the version it
        replaced); (None, None) when that row is gone (erased) or it is the first version."""
        with self.db.read() as cur:
            rows = cur.execute(
                "SELECT edited_by, edited_at FROM insight_versions"
                " WHERE insight_id = ? AND version = ?",
                [insight_id, version - 1],
            ).fetchall()
        return (rows[0][0], rows[0][1]) if rows else (None, None)

    def versions(self, insight_id: int) -> list[InsightVersion]:
        """Every earlier version of an insight, oldest first."""
        with self.db.read() as cur:
            rows = cur.execute(
                "SELECT version, data, edited_by, edited_at FROM insight_versions"
                " WHERE insight_id = ? ORDER BY version",
                [insight_id],
            ).fetchall()
        return [
            InsightVersion(
                insight_id=insight_id, version=v, data=json.loads(d), edited_by=by, edited_at=at
            )
            for v, d, by, at in rows
        ]

    def set_deleted(self, cur: Cursor, insight_id: int, when: datetime | None) -> None:
        """Soft-delete (a timestamp) or restore (None) an insight."""
        cur.execute("UPDATE insights SET deleted_at = ? WHERE id = ?", [when, insight_id])

    def filter_ids(self, filters: SearchFilters) -> np.ndarray:
        """Ids of live insights passing the filters."""
        where, params = _filter_sql(filters)
        with self.db.read() as cur:
            result = cur.execute(f"SELECT id FROM insights WHERE {where}", params).fetchnumpy()
        return np.asarray(result["id"], dtype=np.int64)

    def page(self, filters: SearchFilters, offset: int, limit: int) -> tuple[list[Insight], int]:
        """Newest live insights passing the filters, one page at a time, with the total count."""
        where, params = _filter_sql(filters)
        with self.db.read() as cur:
            total = cur.execute(f"SELECT count(*) FROM insights WHERE {where}", params).fetchall()[
                0
            ][0]
            rows = cur.execute(
                f"{_SELECT} WHERE {where} ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
                params + [limit, offset],
            ).fetchall()
        return [_to_insight(r) for r in rows], total

    def ordered_ids(self, filters: SearchFilters, limit: int | None = None) -> list[int]:
        """Ids of the live insights passing the filters, newest first (the order of `page`)."""
        where, params = _filter_sql(filters)
        tail = "" if limit is None else f" LIMIT {int(limit)}"
        with self.db.read() as cur:
            rows = cur.execute(
                f"SELECT id FROM insights WHERE {where} ORDER BY created_at DESC, id DESC{tail}",
                params,
            ).fetchall()
        return [int(r[0]) for r in rows]

    def distinct_values(self, column: str) -> list[str]:
        """Values in use for a text column (for filter choices); `column` comes from our code."""
        if column not in COLUMNS:
            raise ValueError(f"unknown column {column!r}")
        with self.db.read() as cur:
            if column == "tags":
                sql = "SELECT DISTINCT unnest(tags) AS v FROM insights WHERE deleted_at IS NULL"
            else:
                sql = (
                    f"SELECT DISTINCT {column} AS v FROM insights"
                    f" WHERE deleted_at IS NULL AND {column} IS NOT NULL"
                )
            return sorted(str(r[0]) for r in cur.execute(sql).fetchall())

    def unlinked_ids(self) -> list[int]:
        """Live insights whose links are still to be computed."""
        with self.db.read() as cur:
            rows = cur.execute(
                "SELECT id FROM insights WHERE deleted_at IS NULL AND linked_at IS NULL ORDER BY id"
            ).fetchall()
        return [r[0] for r in rows]

    def mark_linked(self, cur: Cursor, ids: list[int], when: datetime | None) -> None:
        """Record that the links of these insights were computed (or, with None, are due)."""
        cur.execute(
            "UPDATE insights SET linked_at = ? WHERE id IN (SELECT unnest(?::BIGINT[]))",
            [when, ids],
        )

    def count(self) -> int:
        """How many live insights there are."""
        with self.db.read() as cur:
            return cur.execute("SELECT count(*) FROM insights WHERE deleted_at IS NULL").fetchall()[
                0
            ][0]

    def add_evidence(self, cur: Cursor, insight_id: int, item: InsightIn, content_hash: str) -> int:
        """Attach a text to an insight as further evidence; returns the evidence id."""
        return cur.execute(
            "INSERT INTO evidence (insight_id, text, source, author, observed_at, content_hash)"
            " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            [insight_id, item.text, item.source, item.author, item.observed_at, content_hash],
        ).fetchall()[0][0]

    def add_quote(self, cur: Cursor, insight_id: int, text: str, where: str) -> None:
        """Keep the passage an insight was taken from, and where it stands, as its evidence."""
        cur.execute(
            "INSERT INTO evidence (insight_id, text, source, content_hash) VALUES (?, ?, ?, '')",
            [insight_id, text, where],
        )

    def evidence(self, insight_id: int) -> list[Evidence]:
        """The evidence attached to an insight, oldest first."""
        with self.db.read() as cur:
            rows = cur.execute(
                "SELECT id, insight_id, text, source, author, observed_at, created_at"
                " FROM evidence WHERE insight_id = ? ORDER BY id",
                [insight_id],
            ).fetchall()
        keys = ("id", "insight_id", "text", "source", "author", "observed_at", "created_at")
        return [Evidence(**dict(zip(keys, r, strict=True))) for r in rows]

    def newest_ids(self, limit: int, segment: str | None = None) -> list[int]:
        """Ids of the newest live insights."""
        where, params = "deleted_at IS NULL", []
        if segment is not None:
            where += " AND segment = ?"
            params.append(segment)
        with self.db.read() as cur:
            rows = cur.execute(
                f"SELECT id FROM insights WHERE {where} ORDER BY created_at DESC, id DESC LIMIT ?",
                [*params, limit],
            ).fetchall()
        return [r[0] for r in rows]

    def values_of_account(self, created_by: str, column: str, limit: int = 500) -> list[tuple]:
        """(id, value) of the newest live insights an account added that have a value in a
        single-valued `column` (from our code), newest first."""
        if column not in COLUMNS or column == "tags":
            raise ValueError(f"unknown column {column!r}")
        with self.db.read() as cur:
            rows = cur.execute(
                f"SELECT id, {column} FROM insights WHERE deleted_at IS NULL AND created_by = ?"
                f" AND {column} IS NOT NULL ORDER BY created_at DESC, id DESC LIMIT ?",
                [created_by, limit],
            ).fetchall()
        return [(r[0], r[1]) for r in rows]
