"""The import pipeline: read -> map -> validate -> scrub -> de-duplicate -> embed and store in
batches (one transaction each) -> link and match questions (in the background).

Re-running an interrupted import finishes the rest without duplicates: rows already stored are
recognised by their content hash or (source, external id).
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from ingest.mapping import guess_mapping
from ingest.pii import scrub
from ingest.readers import ReadError, read_records
from insights.errors import describe_validation_error
from insights.models import InsightIn

BATCH = 2048
DEFAULT_LIMIT_MB = 200
LIMIT_ENV = "OIVALLUS_IMPORT_LIMIT_MB"


class RejectedRow(BaseModel):
    """A row that was not imported, with why."""

    line: int
    reason: str


class ImportReport(BaseModel):
    """What an import did."""

    file: str
    rows: int = 0
    inserted: int = 0
    duplicates: int = 0
    rejected: list[RejectedRow] = Field(default_factory=list)
    pii: dict[str, int] = Field(default_factory=dict)
    mapping: dict[str, str] = Field(default_factory=dict)
    seconds: float = 0.0

    @property
    def rows_per_second(self) -> float:
        """Throughput of the whole import."""
        return self.rows / self.seconds if self.seconds else 0.0


def parse_date(value: str) -> date:
    """ISO dates (2026-05-31, also with a time) and Finnish ones (31.5.2026, 31/5/2026)."""
    value = value.strip()
    iso = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})", value)
    if iso:
        return date(int(iso[1]), int(iso[2]), int(iso[3]))
    finnish = re.match(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})", value)
    if finnish:
        return date(int(finnish[3]), int(finnish[2]), int(finnish[1]))
    raise ValueError(f"observed_at {value!r} is not a date; write 2026-05-31 or 31.5.2026")


def _to_insight(record: dict[str, str], mapping: dict[str, str], defaults: dict) -> InsightIn:
    fields = dict(defaults)
    for field, column in mapping.items():
        value = (record.get(column) or "").strip()
        if not value or field == "score":
            continue
        if field == "observed_at":
            fields[field] = parse_date(value)
        elif field == "tags":
            fields[field] = [t for t in re.split(r"[;,]", value) if t.strip()]
        else:
            fields[field] = value
    return InsightIn(**fields)


def _limit_bytes() -> int:
    return int(float(os.environ.get(LIMIT_ENV, DEFAULT_LIMIT_MB)) * 1024 * 1024)


def import_file(
    kb,
    path: str | Path,
    mapping: dict[str, str] | None = None,
    scrub_pii: bool = True,
    progress: Callable[[int, int], None] | None = None,
    source: str | None = None,
    study_id: int | None = None,
    batch: int = BATCH,
) -> ImportReport:
    """Import one file into a knowledge base; see the module docstring.

    Raises `ReadError` (nothing stored) when the file cannot be read at all; bad rows are
    reported in `ImportReport.rejected` with their line number and reason.
    """
    path = Path(path)
    started = time.perf_counter()
    size = path.stat().st_size
    if size > _limit_bytes():
        raise ReadError(f"{path.name} is {size / 2**20:.0f} MB, over the import limit of "
                        f"{_limit_bytes() / 2**20:.0f} MB (set {LIMIT_ENV} to change it)")  # fmt: skip
    columns, records = read_records(path)
    mapping = mapping or guess_mapping(columns)
    if "text" not in mapping:
        raise ReadError(f"no column holds the insight text; columns are {columns}. Name one of "
                        "them 'text' or 'palaute', or pass a mapping")  # fmt: skip
    with open(path, "rb") as handle:
        total = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
    run = _Run(kb, mapping, {"source": source or "other", "study_id": study_id}, scrub_pii,
               progress, max(total, 1), batch)  # fmt: skip
    run.report.file, run.report.mapping = path.name, mapping
    with kb.linker.held():  # links and question matches follow once the rows are stored
        for line, record in records:
            run.add(line, record)
        run.flush()
    run.report.seconds = time.perf_counter() - started
    return run.report


class _Run:
    """The state of one import: the report, and the rows waiting to be stored."""

    def __init__(self, kb, mapping, defaults, scrub_pii, progress, total, batch) -> None:
        self.kb, self.mapping, self.defaults = kb, mapping, defaults
        self.scrub_pii, self.progress, self.total, self.batch = scrub_pii, progress, total, batch
        self.report = ImportReport(file="")
        self.pending: list[InsightIn] = []

    def reject(self, line: int, reason: str) -> None:
        self.report.rejected.append(RejectedRow(line=line, reason=reason))

    def add(self, line: int, record: dict[str, str]) -> None:
        self.report.rows += 1
        if "__error__" in record:
            return self.reject(line, f"Line {line} {record['__error__']}")
        try:
            item = _to_insight(record, self.mapping, self.defaults)
        except ValidationError as error:
            reason = str(describe_validation_error(error, row=line)).replace("Row ", "Line ", 1)
            return self.reject(line, reason)
        except ValueError as error:
            return self.reject(line, f"Line {line}: {error}")
        if self.scrub_pii:
            cleaned, counts = scrub(item.text)
            if counts:
                for kind, count in counts.items():
                    self.report.pii[kind] = self.report.pii.get(kind, 0) + count
                item = item.model_copy(update={"text": cleaned})
        self.pending.append(item)
        if len(self.pending) >= self.batch:
            self.flush()

    def flush(self) -> None:
        """Store the waiting rows in one transaction."""
        if self.pending:
            outcomes = self.kb.add_batch(self.pending)
            self.report.inserted += sum(created for _, created in outcomes)
            self.report.duplicates += sum(not created for _, created in outcomes)
            self.pending = []
        if self.progress:
            self.progress(self.report.rows, max(self.total, self.report.rows))
