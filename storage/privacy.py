"""Personal data: retention rules per source, what they drop, and the reads and writes of an
erasure request (every table that holds text people wrote). All the SQL for them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from storage.cursor import Cursor
from storage.db import Database

# Where free text is kept: kind -> (table, key columns, text columns, JSON columns).
TEXT_PLACES: dict[str, tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "insight": ("insights", ("id",), ("text", "title", "author", "team", "source_url"), ()),
    "insight version": ("insight_versions", ("insight_id", "version"), (), ("data",)),
    "evidence": ("evidence", ("id",), ("text", "source", "author"), ()),
    "question": (
        "questions",
        ("id",),
        ("text", "decision", "answer", "drop_reason", "team"),
        (),
    ),
    "question note": (
        "question_status_history",
        ("question_id", "changed_at", "to_status"),
        ("note",),
        (),
    ),
    "import": ("imports", ("id",), ("file", "path"), ()),
    "audit entry": ("audit_log", ("id",), (), ("before", "after")),
    # a document's text keeps its length when a mention goes (insights.erasure), so that the
    # offsets of its segments and spans hold
    "document": ("documents", ("id",), ("text", "file"), ()),
    "document segment": (
        "document_segments",
        ("document_id", "number"),
        ("heading", "location"),
        (),
    ),
    "speaker": ("document_speakers", ("document_id", "number"), ("label", "name"), ()),
    "API token": ("api_tokens", ("id",), ("name",), ()),  # a token's name, e.g. "Matti's laptop"
}
# Columns holding a list of texts (tags), searched and rewritten item by item.
LIST_PLACES: dict[str, tuple[str, ...]] = {"insight": ("tags",), "question": ("tags",)}
_IDS = "(SELECT unnest(?::BIGINT[]))"


class PrivacyRepository:
    """Typed access to retention rules and to every text column an erasure looks through."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # --- retention ---------------------------------------------------------------------------

    def rules(self) -> dict[str, int]:
        """Months to keep raw material, by source."""
        with self.db.read() as cur:
            return dict(cur.execute("SELECT source, months FROM retention_rules").fetchall())

    def set_rule(
        self, cur: Cursor, source: str, months: int | None, by: str | None, at: datetime
    ) -> None:
        """Set (or with `months` None, remove) the rule of one source."""
        cur.execute("DELETE FROM retention_rules WHERE source = ?", [source])
        if months is not None:
            cur.execute("INSERT INTO retention_rules VALUES (?, ?, ?, ?)", [source, months, by, at])

    def aged_imports(self, source: str, before: datetime) -> list[tuple[int, str | None]]:
        """(id, path) of the finished imports of a source started before `before` whose raw
        file was not dropped yet."""
        with self.db.read() as cur:
            return cur.execute(
                "SELECT id, path FROM imports WHERE source = ? AND started_at < ?"
                " AND raw_dropped_at IS NULL AND status <> 'running' ORDER BY id",
                [source, before],
            ).fetchall()

    def aged_insights(self, source: str, before: datetime) -> list[int]:
        """Insights of a source created before `before` that still have quotes, evidence or
        earlier versions."""
        with self.db.read() as cur:
            rows = cur.execute(
                "SELECT id FROM insights i WHERE source = ? AND created_at < ? AND ("
                " EXISTS (SELECT 1 FROM evidence e WHERE e.insight_id = i.id) OR"
                " EXISTS (SELECT 1 FROM insight_versions v WHERE v.insight_id = i.id))"
                " ORDER BY id",
                [source, before],
            ).fetchall()
        return [r[0] for r in rows]

    def drop_import_files(self, cur: Cursor, ids: Sequence[int], at: datetime) -> None:
        """Forget the raw files' paths of these imports and mark them dropped."""
        cur.execute(
            f"UPDATE imports SET path = NULL, raw_dropped_at = ? WHERE id IN {_IDS}",
            [at, list(ids)],
        )

    def drop_raw_text(self, cur: Cursor, ids: Sequence[int]) -> tuple[int, int]:
        """Delete the evidence (quotes included) and the earlier versions of these insights;
        returns (evidence, versions) deleted."""
        counts = []
        for table in ("evidence", "insight_versions"):
            found = cur.execute(
                f"SELECT count(*) FROM {table} WHERE insight_id IN {_IDS}", [list(ids)]
            ).fetchall()[0][0]
            cur.execute(f"DELETE FROM {table} WHERE insight_id IN {_IDS}", [list(ids)])
            counts.append(found)
        return counts[0], counts[1]

    def audit_about(
        self, entity: str, ids: Sequence[int]
    ) -> list[tuple[int, str | None, str | None]]:
        """(id, before, after) of the audit entries about these entities."""
        with self.db.read() as cur:
            return cur.execute(
                "SELECT id, CAST(before AS VARCHAR), CAST(after AS VARCHAR) FROM audit_log"
                " WHERE entity = ? AND entity_id IN (SELECT unnest(?::VARCHAR[]))",
                [entity, [str(i) for i in ids]],
            ).fetchall()

    # --- erasure -----------------------------------------------------------------------------

    def candidates(self, kind: str, patterns: Sequence[str]) -> list[tuple[tuple, dict]]:
        """(key, {column: text, or a list of texts for LIST_PLACES}) of the rows of one kind of
        place whose text columns contain any of `patterns` (case-insensitive, soft-deleted
        rows included)."""
        table, keys, texts, jsons = TEXT_PLACES[kind]
        lists = LIST_PLACES.get(kind, ())
        columns = texts + jsons + lists
        where = " OR ".join(
            f"CAST({c} AS VARCHAR) ILIKE ? ESCAPE '\\'" for _ in patterns for c in columns
        )
        params = [f"%{_escape_like(p)}%" for p in patterns for _ in columns]
        shown = [f"CAST({c} AS VARCHAR)" for c in texts + jsons] + list(lists)
        select = ", ".join([*keys, *shown])
        with self.db.read() as cur:
            rows = cur.execute(
                f"SELECT {select} FROM {table} WHERE {where} ORDER BY {', '.join(keys)}", params
            ).fetchall()
        return [
            (tuple(row[: len(keys)]), dict(zip(columns, row[len(keys) :], strict=True)))
            for row in rows
        ]

    def update_place(self, cur: Cursor, kind: str, key: tuple, changes: dict) -> None:
        """Write new values of some columns of one row of a place."""
        table, keys, _, _ = TEXT_PLACES[kind]
        sets = ", ".join(f"{c} = ?" for c in changes)
        where = " AND ".join(f"{k} = ?" for k in keys)
        cur.execute(f"UPDATE {table} SET {sets} WHERE {where}", [*changes.values(), *key])

    def imports_of(
        self, insight_ids: Sequence[int], import_ids: Sequence[int] = ()
    ) -> list[tuple[int, str | None]]:
        """(id, path) of these imports and of those that created these insights, where they
        still keep a raw file."""
        with self.db.read() as cur:
            return cur.execute(
                "SELECT id, path FROM imports WHERE path IS NOT NULL AND (id IN"
                f" (SELECT import_id FROM import_items WHERE insight_id IN {_IDS})"
                f" OR id IN {_IDS}) ORDER BY id",
                [list(insight_ids), list(import_ids)],
            ).fetchall()

    def customer_rows(self, pseudonym: str) -> tuple[int, int]:
        """(customer records, survey responses) kept under a customer's pseudonym."""
        with self.db.read() as cur:
            return (
                cur.execute(
                    "SELECT count(*) FROM customer_records WHERE customer = ?", [pseudonym]
                ).fetchall()[0][0],
                cur.execute(
                    "SELECT count(*) FROM survey_responses WHERE customer = ?", [pseudonym]
                ).fetchall()[0][0],
            )

    def erase_customer(self, cur: Cursor, pseudonym: str) -> None:
        """Delete a customer's records; their survey answers stay in the counts but lose the
        link to them."""
        cur.execute("DELETE FROM customer_records WHERE customer = ?", [pseudonym])
        cur.execute("UPDATE survey_responses SET customer = NULL WHERE customer = ?", [pseudonym])


def _escape_like(pattern: str) -> str:
    return pattern.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
