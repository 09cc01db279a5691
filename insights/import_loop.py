"""The import pipeline: read -> map -> validate -> scrub -> de-duplicate -> embed and store in
batches (one transaction each) -> link and match questions (in the background).

Every import is recorded (who, when, counts) with the insights it created, in the same
transactions as the insights, so it can be undone exactly. Re-running a cancelled or interrupted
import resumes it: rows already stored are recognised by their content hash, (source, external
id) or survey response key, and counted as resumed rather than as duplicates.
"""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from insights.collection import Insights
from insights.document_import import SPAN, DocumentCuts, store_document
from insights.runtime.linking import BackgroundLinker
from readers.document_text import is_document
from readers.limits import check_size
from readers.mapping import VALUES, field_value, guess_mapping
from readers.pii import NameList, load_names, pseudonym, scrub
from readers.rows import RejectedRow, parse_date
from readers.surveys import SCALES, parse_score, response_key, sentiment_of
from readers.tables import default_source, read_records
from storage.cursor import Cursor
from storage.documents import DocumentRepository
from storage.imports import ImportRepository
from vocabulary.errors import Message, PartlyImported, ReadError, describe_validation_error
from vocabulary.imports import SurveyResponse
from vocabulary.knowledge import InsightIn

BATCH = 2048
GUESS_ROWS = 500  # rows read to guess a mapping from values
FIRST_BATCH = 32  # the first batch is small so that progress shows within seconds,
BATCH_SECONDS = 2.5  # and later ones are sized to take about this long


@dataclass
class ImportTarget:
    """Where the loop stores a file's rows: the import history, the collection, the background
    linker (held while rows are stored), saved mappings and the customer-id key."""

    repo: ImportRepository
    insights: Insights
    linker: BackgroundLinker
    mappings: Callable[[], dict[str, dict[str, str]]]
    customer_key: Callable[[], bytes]
    documents: DocumentRepository | None = None  # where documents are kept for the reader


class ImportReport(BaseModel):
    """What an import did."""

    file: str
    rows: int = 0
    inserted: int = 0
    duplicates: int = 0
    resumed: int = 0
    responses: int = 0
    import_id: int | None = None
    status: str = "finished"
    rejected: list[RejectedRow] = Field(default_factory=list)
    pii: dict[str, int] = Field(default_factory=dict)
    mapping: dict[str, str] = Field(default_factory=dict)
    seconds: float = 0.0

    @property
    def rows_per_second(self) -> float:
        """Throughput of the whole import."""
        return self.rows / self.seconds if self.seconds else 0.0


def _to_insight(record: dict[str, str], mapping: dict[str, str], defaults: dict) -> InsightIn:
    fields = dict(defaults)
    for field, column in mapping.items():
        value = (record.get(column) or "").strip()
        if not value or field in SCALES or field == "customer":
            continue
        if field == "observed_at":
            fields[field] = parse_date(value)
        elif field == "tags":
            fields[field] = [t for t in re.split(r"[;,]", value) if t.strip()]
        elif field in VALUES:  # sentiment, kind: 1/0, positive, negatiivinen, havainto...
            fields[field] = field_value(field, value)
        else:
            fields[field] = value
    return InsightIn(**fields)


def _estimate_rows(path: Path) -> int:
    """About how many rows the file holds, not counting a header (the progress bar's total)."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv", ".tab", ".jsonl"):
        lines, last = 0, b"\n"
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                lines, last = lines + chunk.count(b"\n"), chunk[-1:]
        lines += last != b"\n"  # the last line without its line break
        return lines if suffix == ".jsonl" else max(lines - 1, 0)
    if suffix == ".xlsx":
        from readers.spreadsheets import row_count

        return max(row_count(path) - 1, 0)
    return 0  # documents: unknown until read


def import_file(
    target: ImportTarget,
    path: str | Path,
    mapping: dict[str, str] | str | None = None,
    scrub_pii: bool = True,
    progress: Callable[[int, int], None] | None = None,
    source: str | None = None,
    study_id: int | None = None,
    batch: int = BATCH,
    by: str | None = None,
    sheet: str | None = None,
    name: str | None = None,
    journey_stage: str | None = None,
    roles: dict[str, str] | None = None,
) -> ImportReport:
    """Import one file into `target` (`kb.imports` gives it); see the module docstring.

    `mapping` is field -> column, or the name of a saved mapping; `name` is the file name to
    record (an uploaded file's own name rather than its temporary path); `journey_stage` is
    the stage of every row whose own stage column (if any) is empty; `roles` are a new
    transcript's speakers' roles by label (insights.document_import). Raises `ReadError`
    (nothing stored) when the file cannot be read at all; bad rows are reported in
    `ImportReport.rejected` with their line number and reason.
    """
    path = Path(path)
    name = name or path.name
    started = time.perf_counter()
    size = check_size(path, name)
    if isinstance(mapping, str):
        saved = target.mappings()
        if mapping not in saved:
            raise ReadError(
                "there is no saved mapping {mapping}; saved: {saved}",
                mapping=repr(mapping),
                saved=", ".join(sorted(saved)),
            )
        mapping = saved[mapping]
    columns, records = read_records(path, sheet)
    if not mapping:  # guess from the names and the first rows' values (a score's scale)
        first = list(itertools.islice(records, GUESS_ROWS))
        mapping = guess_mapping(columns, [r for _, r in first if "__error__" not in r])
        records = itertools.chain(first, records)
    if "text" not in mapping and not any(f in mapping for f in SCALES):
        raise ReadError(
            "no column holds the insight text; columns are {columns}. Name one of them 'text' "
            "or 'palaute', or pass a mapping",
            columns=str(columns),
        )
    missing = sorted(set(mapping.values()) - set(columns))
    if missing:
        raise ReadError(
            "the mapping names columns the file does not have: {missing}; its columns are "
            "{columns}",
            missing=str(missing),
            columns=str(columns),
        )
    source = source or default_source(path) or ("survey" if "score" in mapping else "other")
    try:
        names = load_names() if scrub_pii else None
    except ValueError as error:
        raise ReadError.like(error) from None
    earlier = target.repo.unfinished(name, size)
    if earlier is not None:
        import_id = earlier.id
        target.repo.set_status(import_id, "running")
    else:
        import_id = target.repo.start(name, str(path), size, by, source, mapping)
    cuts, removed = None, None
    if target.documents is not None and is_document(path):
        cleaner = (lambda text: scrub(text, names)) if scrub_pii else None
        cuts, removed = store_document(
            target.documents, path, name, cleaner, source, study_id, import_id, by, roles
        )
        records = cuts.records()
    defaults = {"source": source, "study_id": study_id, "journey_stage": journey_stage}
    run = _Run(
        target,
        mapping,
        defaults,
        scrub_pii,
        progress,
        _estimate_rows(path),
        batch,
        import_id,
        resuming=earlier is not None,
    )
    run.names, run.cuts = names, cuts
    run.report.pii.update(removed or {})
    run.report.file, run.report.mapping, run.report.import_id = name, mapping, import_id
    status = "cancelled"  # unless the loop below finishes
    try:
        with target.linker.held():  # links and question matches follow once the rows are stored
            try:
                for line, record in records:
                    run.add(line, record)
                run.flush()
            except ReadError as error:  # the file breaks off midway: say what was stored
                run.flush()
                status = "partial"
                if not (run.report.inserted or run.report.responses):
                    raise
                raise PartlyImported(
                    "partly imported: {inserted} insights and {responses} responses from the "
                    "rows before were stored, then {problem}. Undo import #{import_id} on the "
                    "Import page, or fix the file and import it again to resume",
                    inserted=run.report.inserted,
                    responses=run.report.responses,
                    problem=error.message,
                    import_id=import_id,
                ) from None
        status = "finished"
    finally:
        run.report.status = status
        run.report.seconds = time.perf_counter() - started
        target.repo.set_status(import_id, status, run.totals(earlier))
    return run.report


class _Pending:
    """A row waiting to be stored: an insight, a survey response, or both."""

    __slots__ = ("line", "item", "location", "responses", "span")

    def __init__(self, line, item, location, responses, span=None) -> None:
        self.line, self.item, self.location, self.responses = line, item, location, responses
        self.span = span  # the index of its cut of a document (insights.document_import)


class _Run:
    """The state of one import: the report, and the rows waiting to be stored."""

    def __init__(
        self, target, mapping, defaults, scrub_pii, progress, total, batch, import_id, resuming
    ) -> None:
        self.target, self.mapping, self.defaults = target, mapping, defaults
        self.scrub_pii, self.progress, self.total, self.batch = scrub_pii, progress, total, batch
        self.import_id, self.resuming = import_id, resuming
        self.report = ImportReport(file="")
        self.pending: list[_Pending] = []
        self.size = min(FIRST_BATCH, batch)  # rows in the next batch
        self.names: NameList | None = None  # the names list, when there is one
        self.cuts: DocumentCuts | None = None  # a document's findings, scrubbed already
        self._customer_key: bytes | None = None

    def pseudonym(self, customer_id: str | None) -> str | None:
        """A survey answer's customer id as its keyed hash (see insights.metrics.pseudonym)."""
        if not customer_id:
            return None
        if self._customer_key is None:
            self._customer_key = self.target.customer_key()
        return pseudonym(customer_id, self._customer_key)

    def totals(self, earlier) -> dict:
        """Counts to record at the end (inserted and responses are counted batch by batch)."""
        r = self.report
        pii = dict(earlier.pii) if earlier is not None else {}
        for kind, count in r.pii.items():
            pii[kind] = pii.get(kind, 0) + count
        rows = max(r.rows, earlier.rows) if earlier is not None else r.rows
        return {"rows": rows, "duplicates": r.duplicates, "rejected": len(r.rejected), "pii": pii}

    def reject(self, line: int, problem: str | Message, reads_on: bool = False) -> None:
        """Keep a row out, saying why (a reader's problem reads on: "Line 5 has 3 fields")."""
        problem = getattr(problem, "message", problem)  # a Said string keeps its message
        values = {"line": line, "problem": problem}
        said = (
            Message("Line {line} {problem}", values)
            if reads_on
            else Message("Line {line}: {problem}", values)
        )
        self.report.rejected.append(RejectedRow.saying(line, said))

    def add(self, line: int, record: dict[str, str]) -> None:
        self.report.rows += 1
        if "__error__" in record:
            return self.reject(line, record["__error__"], reads_on=True)
        try:
            scores = {
                SCALES[f][0]: parse_score(f, record[c])
                for f, c in self.mapping.items()
                if f in SCALES and (record.get(c) or "").strip()
            }
            text = (record.get(self.mapping.get("text", "")) or "").strip()
            item = None
            if text or not scores:
                defaults = dict(self.defaults)
                if scores and "sentiment" not in self.mapping:
                    metric, score = next(iter(scores.items()))
                    defaults["sentiment"] = sentiment_of(metric, score)
                item = _to_insight(record, self.mapping, defaults)
            elif "observed_at" in self.mapping and record.get(self.mapping["observed_at"]):
                parse_date(record[self.mapping["observed_at"]])  # a bad date rejects the row
        except ValidationError as error:
            return self.reject(line, describe_validation_error(error).message)
        except ValueError as error:  # ours carry their message; a library's says it in English
            return self.reject(line, getattr(error, "message", None) or str(error))
        if item is not None and self.scrub_pii and self.cuts is None:
            update = {}
            for field in ("text", "title"):  # a title column can hold a name as well
                value = getattr(item, field)
                cleaned, counts = scrub(value, self.names, item.language) if value else ("", {})
                for kind, count in counts.items():
                    self.report.pii[kind] = self.report.pii.get(kind, 0) + count
                if counts:
                    update[field] = cleaned
            if update:
                item = item.model_copy(update=update)
        responses = [self._response(line, record, m, s) for m, s in scores.items()]
        location = record.get("__location__")
        self.pending.append(_Pending(line, item, location, responses, record.get(SPAN)))
        if len(self.pending) >= self.size:
            self.flush()

    def _response(self, line: int, record: dict, metric: str, score: int) -> SurveyResponse:
        def value(field):
            return (record.get(self.mapping.get(field, "")) or "").strip() or None

        when = value("observed_at")
        return SurveyResponse(
            response_key=response_key(line, record, value("external_id")),
            metric=metric,
            score=score,
            import_id=self.import_id,
            segment=value("segment"),
            touchpoint=value("touchpoint"),
            observed_at=parse_date(when) if when else None,
            customer=self.pseudonym(value("customer")),
        )

    def flush(self) -> None:
        """Store the waiting rows, what the import created and the responses in one transaction."""
        if self.pending:
            with_item = [p for p in self.pending if p.item is not None]
            stored_responses = 0

            def record(cur: Cursor, ids, created) -> None:
                nonlocal stored_responses
                new_ids = [i for i, new in zip(ids, created, strict=True) if new]
                self.target.repo.add_items(cur, self.import_id, new_ids)
                for p, insight_id, new in zip(with_item, ids, created, strict=True):
                    for response in p.responses:
                        response.insight_id = insight_id
                    if new and p.location:
                        where = f"{self.report.file}, {p.location}"
                        self.target.insights.repo.add_quote(cur, insight_id, p.item.text, where)
                if self.cuts is not None and self.target.documents is not None:
                    by = self.target.insights.acting.actor_name
                    spans = [
                        self.cuts.span(p.span, insight_id, by)
                        for p, insight_id in zip(with_item, ids, strict=True)
                        if p.span is not None
                    ]
                    self.target.documents.add_spans(cur, spans)
                responses = [r for p in self.pending for r in p.responses]
                stored_responses = self.target.repo.add_responses(cur, responses)
                self.target.repo.count_stored(cur, self.import_id, len(new_ids), stored_responses)

            started = time.perf_counter()
            outcomes = self.target.insights.add_batch([p.item for p in with_item], during=record)
            rate = len(self.pending) / max(time.perf_counter() - started, 1e-3)
            self.size = max(FIRST_BATCH, min(self.batch, int(rate * BATCH_SECONDS)))
            self.report.inserted += sum(created for _, created in outcomes)
            self.report.responses += stored_responses
            known = [i for i, created in outcomes if not created]
            ours = self.target.repo.items_of(self.import_id, known) if self.resuming else set()
            self.report.resumed += sum(i in ours for i in known)
            self.report.duplicates += sum(i not in ours for i in known)
            self.pending = []
        if self.progress:
            self.progress(self.report.rows, max(self.total, self.report.rows))
