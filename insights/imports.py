"""Import history with undo, saved column mappings and survey responses (`kb.imports`)."""

from __future__ import annotations

import itertools
from pathlib import Path

from insights.acting import Acting, audited, requires
from insights.collection import Insights
from insights.document_import import speakers_of
from insights.import_loop import ImportTarget, import_file
from insights.metrics import customer_key
from insights.runtime.indexing import Indexing
from insights.runtime.linking import BackgroundLinker
from insights.webhooks import Outbox
from readers.tables import read_records, sheet_names
from storage.db import Database
from storage.documents import DocumentRepository
from storage.imports import ImportRepository
from storage.people import PeopleRepository
from vocabulary.errors import InvalidInput, NotFound
from vocabulary.imports import ImportRecord, SurveyResponse
from vocabulary.knowledge import now
from vocabulary.people import Role
from vocabulary.webhooks import Event

METRICS = ("nps", "csat", "ces")


class Imports:
    """Importing files, what the imports leave behind, and how to take it back."""

    def __init__(
        self,
        acting: Acting,
        db: Database,
        repo: ImportRepository,
        insights: Insights,
        indexing: Indexing,
        linker: BackgroundLinker,
        people: PeopleRepository,
        documents: DocumentRepository | None = None,
        outbox: Outbox | None = None,
    ) -> None:
        self.acting = acting
        self.db = db
        self.repo = repo
        self.insights = insights
        self.indexing = indexing
        self.linker = linker
        self.people = people
        self.documents = documents
        self.outbox = outbox  # webhooks: "import.finished"

    @requires(Role.researcher)
    def customer_key(self) -> bytes:
        """The secret customer ids are hashed with (see insights.metrics.customer_key)."""
        return customer_key(self.people)

    @audited("import", "import", key=lambda kb, result, *a, **k: result.import_id, together=False)
    @requires(Role.researcher)
    def import_file(self, path, mapping=None, scrub_pii: bool = True, progress=None, **options):
        """Import a file (tables, documents, transcripts, surveys) as one recorded import:
        see insights.import_loop for the options and the returned ImportReport."""
        options["by"] = self.acting.who(options.get("by"))
        target = ImportTarget(
            self.repo, self.insights, self.linker, self.mappings, self.customer_key, self.documents
        )
        report = import_file(
            target, path, mapping=mapping, scrub_pii=scrub_pii, progress=progress, **options
        )
        if (
            self.outbox is not None
            and report.import_id
            and report.status in ("finished", "partial")
        ):
            with self.db.transaction() as cur:  # after the import's own last commit
                subject = {"import_id": report.import_id}
                self.outbox.emit(cur, Event.import_finished, subject)
        return report

    @requires(Role.researcher)
    def preview_file(self, path, sheet: str | None = None, rows: int = 5):
        """What an import would read: (sheets, columns, the first rows). Only those who may
        import may look inside a file (a reader is where a hostile file does its harm)."""
        sheets = sheet_names(path)
        columns, records = read_records(path, sheet)
        return sheets, columns, [record for _, record in itertools.islice(records, rows)]

    @requires(Role.researcher)
    def preview_speakers(self, path):
        """A transcript's speakers and the guess of who interviews, for the preview: the
        roles chosen there go to `import_file(roles=...)`."""
        return speakers_of(Path(path))

    def history(self, limit: int = 100) -> list[ImportRecord]:
        """Import history, newest first: who imported which file, when, with what counts."""
        return self.repo.history(limit)

    def import_record(self, import_id: int) -> ImportRecord:
        """One import; raises `NotFound`."""
        found = self.repo.get(import_id)
        if found is None:
            raise NotFound("import {import_id} does not exist", import_id=import_id)
        return found

    @audited("undo", "import")
    @requires(Role.researcher)
    def undo_import(self, import_id: int) -> int:
        """Soft-delete exactly the insights an import created (restorable); returns how many.

        Survey responses of an undone import stop counting in the KPIs.
        """
        record = self.import_record(import_id)
        if record.undone_at is not None:
            raise InvalidInput(
                "import {import_id} ({file}) is already undone",
                import_id=import_id,
                file=record.file,
            )
        with self.db.transaction() as cur:
            ids = self.repo.undo(cur, import_id, now())
            self.indexing.remove_after_commit(ids)
            self._documents_deleted(cur, import_id, now())
        return len(ids)

    @audited("restore", "import")
    @requires(Role.researcher)
    def restore_import(self, import_id: int) -> int:
        """Bring back the insights the undo of an import deleted; returns how many."""
        record = self.import_record(import_id)
        if record.undone_at is None:
            raise InvalidInput(
                "import {import_id} ({file}) is not undone", import_id=import_id, file=record.file
            )
        with self.db.transaction() as cur:
            ids = self.repo.redo(cur, import_id)
            self._documents_deleted(cur, import_id, None)
            missing = self.indexing.restore(ids)  # deleted before this process opened the file
            self.indexing.add_afresh(cur, self.insights.repo.get_many(missing))
        self.linker.submit(missing)
        return len(ids)

    def _documents_deleted(self, cur, import_id: int, when) -> None:
        """The documents an import stored go (or come back) with its insights."""
        if self.documents is not None:
            for document_id in self.documents.of_import(import_id):
                self.documents.set_deleted(cur, document_id, when)

    @requires(Role.researcher)
    def save_mapping(self, name: str, mapping: dict[str, str], by: str | None = None) -> None:
        """Keep a column mapping under a name for later imports (`import_file(mapping=name)`)."""
        name = name.strip()
        if not name:
            raise InvalidInput("a saved mapping needs a name")
        if "text" not in mapping:
            raise InvalidInput("a mapping must say which column holds the text")
        with self.db.transaction() as cur:
            self.repo.save_mapping(cur, name, mapping, self.acting.who(by))

    def mappings(self) -> dict[str, dict[str, str]]:
        """Saved column mappings by name."""
        return self.repo.mappings()

    @requires(Role.researcher)
    def delete_mapping(self, name: str) -> None:
        """Forget a saved mapping."""
        with self.db.transaction() as cur:
            self.repo.delete_mapping(cur, name)

    def survey_responses(self, metric: str = "nps") -> list[SurveyResponse]:
        """Every counted survey response of a metric (nps, csat or ces)."""
        if metric not in METRICS:
            raise InvalidInput(f"metric must be one of {', '.join(METRICS)}, not {metric!r}")
        return self.repo.responses(metric)
