"""Documents kept whole for the reader, their segments and speakers, and the spans of the
insights taken from them: all the SQL for them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import pyarrow as pa

from storage.cursor import Cursor
from storage.db import Database
from vocabulary.documents import Document, DocumentSummary, Segment, Span, Speaker

_DOCUMENT = (
    "id, file, kind, source, study_id, import_id, content_hash, text, names_allowed,"
    " created_by, created_at, text_dropped_at, deleted_at"
)
_SEGMENT = "number, start_char, end_char, speaker, started, ended, heading, location"
_SPEAKER = "number, label, name, role, pseudonym, questions, turns"
_SPAN = (
    "insight_id, document_id, start_char, end_char, segment, speaker, started, ended, origin,"
    " created_by, created_at"
)
_IDS = "(SELECT unnest(?::BIGINT[]))"
_SPANS = pa.schema(
    [
        ("insight_id", pa.int64()),
        ("document_id", pa.int64()),
        ("start_char", pa.int32()),
        ("end_char", pa.int32()),
        ("segment", pa.int32()),
        ("speaker", pa.int32()),
        ("started", pa.string()),
        ("ended", pa.string()),
        ("origin", pa.string()),
        ("created_by", pa.string()),
        ("created_at", pa.timestamp("us")),
    ]
)
_SEGMENTS = pa.schema(
    [
        ("document_id", pa.int64()),
        ("number", pa.int32()),
        ("start_char", pa.int32()),
        ("end_char", pa.int32()),
        ("speaker", pa.int32()),
        ("started", pa.string()),
        ("ended", pa.string()),
        ("heading", pa.string()),
        ("location", pa.string()),
    ]
)


def _span(row: Sequence) -> Span:
    keys = (
        "insight_id",
        "document_id",
        "start",
        "end",
        "segment",
        "speaker",
        "started",
        "ended",
        "origin",
        "created_by",
        "created_at",
    )
    return Span(**dict(zip(keys, row, strict=True)))


def _speaker(row: Sequence) -> Speaker:
    keys = ("number", "label", "name", "role", "pseudonym", "questions", "turns")
    return Speaker(**dict(zip(keys, row, strict=True)))


class DocumentRepository:
    """Typed access to documents, segments, speakers and insight spans."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # --- documents ---------------------------------------------------------------------------

    def find(self, cur: Cursor, content_hash: str) -> int | None:
        """The live document with this content, if one was imported before."""
        rows = cur.execute(
            "SELECT min(id) FROM documents WHERE content_hash = ? AND deleted_at IS NULL",
            [content_hash],
        ).fetchall()
        return rows[0][0] if rows else None

    def insert(
        self,
        cur: Cursor,
        document: dict,
        segments: Sequence[Segment],
        speakers: Sequence[Speaker],
    ) -> int:
        """Store a document (a dict of its columns), its segments and speakers; its new id."""
        columns = list(document)
        document_id = cur.execute(
            f"INSERT INTO documents ({', '.join(columns)})"
            f" VALUES ({', '.join('?' for _ in columns)}) RETURNING id",
            [document[c] for c in columns],
        ).fetchall()[0][0]
        if segments:  # as one Arrow table: a 2-hour interview has a thousand turns and more
            table = pa.Table.from_pylist(
                [
                    {"document_id": document_id, "number": s.number, "start_char": s.start}
                    | {"end_char": s.end, "speaker": s.speaker, "started": s.started}
                    | {"ended": s.ended, "heading": s.heading, "location": s.location}
                    for s in segments
                ],
                schema=_SEGMENTS,
            )
            cur.register("new_segments", table)
            try:
                cur.execute(
                    f"INSERT INTO document_segments (document_id, {_SEGMENT})"
                    f" SELECT document_id, {_SEGMENT} FROM new_segments"
                )
            finally:
                cur.unregister("new_segments")
        for s in speakers:
            cur.execute(
                f"INSERT INTO document_speakers (document_id, {_SPEAKER})"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [document_id, s.number, s.label, s.name, s.role, s.pseudonym, s.questions, s.turns],
            )
        return document_id

    def get(self, document_id: int) -> Document | None:
        """One document with its segments and speakers (deleted ones too)."""
        with self.db.read() as cur:
            rows = cur.execute(
                f"SELECT {_DOCUMENT} FROM documents WHERE id = ?", [document_id]
            ).fetchall()
            if not rows:
                return None
            segments = cur.execute(
                f"SELECT {_SEGMENT} FROM document_segments WHERE document_id = ? ORDER BY number",
                [document_id],
            ).fetchall()
            speakers = cur.execute(
                f"SELECT {_SPEAKER} FROM document_speakers WHERE document_id = ? ORDER BY number",
                [document_id],
            ).fetchall()
        names = [c.strip() for c in _DOCUMENT.split(",")]
        document = Document(**dict(zip(names, rows[0], strict=True)))
        keys = ("number", "start", "end", "speaker", "started", "ended", "heading", "location")
        document.segments = [Segment(**dict(zip(keys, r, strict=True))) for r in segments]
        document.speakers = [_speaker(r) for r in speakers]
        return document

    def summaries(self, limit: int = 500) -> list[DocumentSummary]:
        """Live documents, newest first, with their length and live insights."""
        with self.db.read() as cur:
            rows = cur.execute(
                "SELECT d.id, d.file, d.kind, d.created_at, d.created_by,"
                " coalesce(length(d.text), 0), (SELECT count(*) FROM insight_spans s"
                " JOIN insights i ON i.id = s.insight_id AND i.deleted_at IS NULL"
                " WHERE s.document_id = d.id), d.text_dropped_at FROM documents d"
                " WHERE d.deleted_at IS NULL ORDER BY d.created_at DESC, d.id DESC LIMIT ?",
                [limit],
            ).fetchall()
        keys = ("id", "file", "kind", "created_at", "created_by", "chars", "insights")
        return [
            DocumentSummary(**dict(zip(keys, r[:7], strict=True)), text_dropped_at=r[7])
            for r in rows
        ]

    def set_text(self, cur: Cursor, document_id: int, text: str) -> None:
        """Write a document's text (a redaction keeps its length, so offsets hold)."""
        cur.execute("UPDATE documents SET text = ? WHERE id = ?", [text, document_id])

    def set_deleted(self, cur: Cursor, document_id: int, when: datetime | None) -> None:
        """Soft-delete (a timestamp) or restore (None) a document."""
        cur.execute("UPDATE documents SET deleted_at = ? WHERE id = ?", [when, document_id])

    def of_import(self, import_id: int) -> list[int]:
        """The documents an import stored."""
        with self.db.read() as cur:
            rows = cur.execute(
                "SELECT id FROM documents WHERE import_id = ? ORDER BY id", [import_id]
            ).fetchall()
        return [r[0] for r in rows]

    def set_names_allowed(self, cur: Cursor, document_id: int, allowed: bool) -> None:
        """Whether the reader and the cards show the speakers' names."""
        cur.execute("UPDATE documents SET names_allowed = ? WHERE id = ?", [allowed, document_id])

    # --- speakers ----------------------------------------------------------------------------

    def set_speakers(self, cur: Cursor, document_id: int, speakers: Sequence[Speaker]) -> None:
        """Write the names, roles and pseudonym numbers of a document's speakers."""
        for s in speakers:
            cur.execute(
                "UPDATE document_speakers SET name = ?, role = ?, pseudonym = ?"
                " WHERE document_id = ? AND number = ?",
                [s.name, s.role, s.pseudonym, document_id, s.number],
            )

    # --- spans -------------------------------------------------------------------------------

    def add_spans(self, cur: Cursor, spans: Sequence[Span]) -> int:
        """Record where these insights stand (an insight already placed keeps its place);
        returns how many were new."""
        placed = self.placed(cur, [s.insight_id for s in spans])
        rows: list[dict[str, object]] = []
        for s in spans:
            if s.insight_id in placed:
                continue
            placed.add(s.insight_id)
            rows.append(
                {"insight_id": s.insight_id, "document_id": s.document_id, "start_char": s.start}
                | {"end_char": s.end, "segment": s.segment, "speaker": s.speaker}
                | {"started": s.started, "ended": s.ended, "origin": str(s.origin)}
                | {"created_by": s.created_by, "created_at": s.created_at}
            )
        if rows:  # as one Arrow table (an import places hundreds at once)
            cur.register("new_spans", pa.Table.from_pylist(rows, schema=_SPANS))
            try:
                cur.execute(f"INSERT INTO insight_spans ({_SPAN}) SELECT {_SPAN} FROM new_spans")
            finally:
                cur.unregister("new_spans")
        return len(rows)

    def placed(self, cur: Cursor, ids: Sequence[int]) -> set[int]:
        """Which of these insights already have a span."""
        rows = cur.execute(
            f"SELECT insight_id FROM insight_spans WHERE insight_id IN {_IDS}", [list(ids)]
        ).fetchall()
        return {r[0] for r in rows}

    def delete_span(self, cur: Cursor, insight_id: int) -> None:
        """Forget where an insight stood (its highlight was deleted)."""
        cur.execute("DELETE FROM insight_spans WHERE insight_id = ?", [insight_id])

    def spans(
        self, document_id: int, cur: Cursor | None = None, include_deleted: bool = False
    ) -> list[Span]:
        """The spans of a document's live insights (or all), in reading order."""
        alive = "" if include_deleted else " AND i.deleted_at IS NULL"
        sql = (
            f"SELECT {', '.join('s.' + c.strip() for c in _SPAN.split(','))} FROM insight_spans s"
            f" JOIN insights i ON i.id = s.insight_id{alive}"
            " WHERE s.document_id = ? ORDER BY s.start_char, s.end_char, s.insight_id"
        )
        if cur is not None:
            return [_span(r) for r in cur.execute(sql, [document_id]).fetchall()]
        with self.db.read() as read:
            return [_span(r) for r in read.execute(sql, [document_id]).fetchall()]

    def span_of(self, insight_id: int) -> Span | None:
        """Where one insight stands in its document."""
        with self.db.read() as cur:
            rows = cur.execute(
                f"SELECT {_SPAN} FROM insight_spans WHERE insight_id = ?", [insight_id]
            ).fetchall()
        return _span(rows[0]) if rows else None

    def speakers_of(self, ids: Sequence[int]) -> dict[int, tuple[Speaker, bool]]:
        """Insight id -> (its speaker, whether names may be shown) for these insights."""
        if not len(ids):
            return {}
        with self.db.read() as cur:
            rows = cur.execute(
                "SELECT s.insight_id, p.number, p.label, p.name, p.role, p.pseudonym,"
                " p.questions, p.turns, d.names_allowed FROM insight_spans s"
                " JOIN document_speakers p ON p.document_id = s.document_id"
                " AND p.number = s.speaker JOIN documents d ON d.id = s.document_id"
                f" WHERE s.insight_id IN {_IDS}",
                [list(map(int, ids))],
            ).fetchall()
        return {r[0]: (_speaker(r[1:8]), bool(r[8])) for r in rows}

    # --- retention ---------------------------------------------------------------------------

    def aged(self, source: str, before: datetime) -> list[int]:
        """Documents of a source imported before `before` that still keep their text."""
        with self.db.read() as cur:
            rows = cur.execute(
                "SELECT id FROM documents WHERE source = ? AND created_at < ?"
                " AND text IS NOT NULL ORDER BY id",
                [source, before],
            ).fetchall()
        return [r[0] for r in rows]

    def drop_text(self, cur: Cursor, ids: Sequence[int], at: datetime) -> None:
        """Drop the text, headings and speaker names of these documents (offsets stay)."""
        cur.execute(
            f"UPDATE documents SET text = NULL, text_dropped_at = ? WHERE id IN {_IDS}",
            [at, list(ids)],
        )
        cur.execute(
            f"UPDATE document_segments SET heading = NULL WHERE document_id IN {_IDS}",
            [list(ids)],
        )
        cur.execute(
            f"UPDATE document_speakers SET label = NULL, name = NULL WHERE document_id IN {_IDS}",
            [list(ids)],
        )
