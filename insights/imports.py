"""Import history with undo, saved column mappings and survey responses (mixed into KB)."""

from __future__ import annotations

from insights.embeddings import embed_in_batches
from insights.errors import InvalidInput, NotFound
from insights.models import now
from insights.people import audited, requires
from insights.records import ImportRecord, Role, SurveyResponse

METRICS = ("nps", "csat", "ces")


class ImportsMixin:
    """What the import pipeline leaves behind, and how to take it back."""

    @audited("import", "import", key=lambda kb, result, *a, **k: result.import_id, together=False)
    @requires(Role.researcher)
    def import_file(self, path, mapping=None, scrub_pii: bool = True, progress=None, **options):
        """Import a file (tables, documents, transcripts, surveys) as one recorded import:
        see ingest.pipeline for the options and the returned ImportReport."""
        from ingest.pipeline import import_file  # ingest builds on insights, not the reverse

        options["by"] = self._who(options.get("by"))
        return import_file(
            self, path, mapping=mapping, scrub_pii=scrub_pii, progress=progress, **options
        )

    @requires(Role.researcher)
    def preview_file(self, path, sheet: str | None = None, rows: int = 5):
        """What an import would read: (sheets, columns, the first rows). Only those who may
        import may look inside a file (a reader is where a hostile file does its harm)."""
        import itertools

        from ingest.readers import read_records, sheet_names

        sheets = sheet_names(path)
        columns, records = read_records(path, sheet)
        return sheets, columns, [record for _, record in itertools.islice(records, rows)]

    def imports(self, limit: int = 100) -> list[ImportRecord]:
        """Import history, newest first: who imported which file, when, with what counts."""
        return self.imports_repo.history(limit)

    def import_record(self, import_id: int) -> ImportRecord:
        """One import; raises `NotFound`."""
        found = self.imports_repo.get(import_id)
        if found is None:
            raise NotFound(f"import {import_id} does not exist")
        return found

    @audited("undo", "import")
    @requires(Role.researcher)
    def undo_import(self, import_id: int) -> int:
        """Soft-delete exactly the insights an import created (restorable); returns how many.

        Survey responses of an undone import stop counting in the KPIs.
        """
        record = self.import_record(import_id)
        if record.undone_at is not None:
            raise InvalidInput(f"import {import_id} ({record.file}) is already undone")
        with self.db.transaction() as cur:
            ids = self.imports_repo.undo(cur, import_id, now())
            self._unindex(ids)
        return len(ids)

    @audited("restore", "import")
    @requires(Role.researcher)
    def restore_import(self, import_id: int) -> int:
        """Bring back the insights the undo of an import deleted; returns how many."""
        record = self.import_record(import_id)
        if record.undone_at is None:
            raise InvalidInput(f"import {import_id} ({record.file}) is not undone")
        with self.db.transaction() as cur:
            ids = self.imports_repo.redo(cur, import_id)
            missing = [i for i in ids if i not in self.index.row_of]
            self._reindex(ids)
            if missing:  # deleted before this process opened the file: index them afresh
                insights = self.insights.get_many(missing)
                vectors = embed_in_batches(
                    self.embedder, [i.text for i in insights], [i.language for i in insights]
                )
                self._index(cur, insights, vectors)
                self.insights.mark_linked(cur, missing, None)
        self.linker.submit(missing)
        return len(ids)

    @requires(Role.researcher)
    def save_mapping(self, name: str, mapping: dict[str, str], by: str | None = None) -> None:
        """Keep a column mapping under a name for later imports (`import_file(mapping=name)`)."""
        name = name.strip()
        if not name:
            raise InvalidInput("a saved mapping needs a name")
        if "text" not in mapping:
            raise InvalidInput("a mapping must say which column holds the text")
        self.imports_repo.save_mapping(name, mapping, self._who(by))

    def mappings(self) -> dict[str, dict[str, str]]:
        """Saved column mappings by name."""
        return self.imports_repo.mappings()

    @requires(Role.researcher)
    def delete_mapping(self, name: str) -> None:
        """Forget a saved mapping."""
        self.imports_repo.delete_mapping(name)

    def survey_responses(self, metric: str = "nps") -> list[SurveyResponse]:
        """Every counted survey response of a metric (nps, csat or ces)."""
        if metric not in METRICS:
            raise InvalidInput(f"metric must be one of {', '.join(METRICS)}, not {metric!r}")
        return self.imports_repo.responses(metric)
