"""Retention of raw material per insight source (`kb.retention`).

An admin sets, per source (interview, survey, ...), "after N months drop the raw material".
A run (the app's daily job, or an admin on demand) then, for that source and older than N
months:

- deletes the raw file of each import (the `path` kept to resume it) and forgets the path;
  the import's history line stays, marked `raw_dropped_at`;
- deletes the evidence of each insight: the quotes an import kept of the passage it read and
  the texts added or merged in as evidence;
- deletes the earlier versions of each insight (its edit history);
- blanks the `text` and `title` inside the audit entries about those insights (who did what
  and when stays);
- drops the text of each document the reader keeps (with its headings and speakers' names
  and labels); the reader then says so, the insights cut from it stay.

What stays: the insight itself as it reads now (scrubbed on import, perhaps summarised since),
its fields, links, themes and vectors; survey scores; the import's counts. Nightly backups keep
what they held until they rotate out (see README, Security).
"""

from __future__ import annotations

import calendar
import json
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel

from insights.acting import Acting, audited, requires
from insights.files.rawfiles import delete_raw_file
from storage.db import Database
from storage.documents import DocumentRepository
from storage.privacy import PrivacyRepository
from vocabulary.errors import InvalidInput
from vocabulary.knowledge import Source, now
from vocabulary.people import Role

DROPPED = "[dropped by retention]"
MAX_MONTHS = 600


class RetentionReport(BaseModel):
    """What one run of the retention rules dropped."""

    ran_at: datetime
    rules: dict[str, int]
    imports: int = 0  # imports whose raw file was dropped
    files_deleted: int = 0  # of them, files that were still on disk
    insights: int = 0  # insights whose evidence or history was dropped
    documents: int = 0  # documents whose text was dropped
    evidence: int = 0
    versions: int = 0
    audit_entries: int = 0


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (the month's last day when the
    day does not exist there)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def _blank_text(value):
    if isinstance(value, dict):
        return {
            k: (DROPPED if k in ("text", "title") and v else _blank_text(v))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_blank_text(v) for v in value]
    return value


class Retention:
    """Rules per source, and the run that applies them."""

    def __init__(
        self,
        acting: Acting,
        db: Database,
        repo: PrivacyRepository,
        documents: DocumentRepository | None = None,
    ) -> None:
        self.acting = acting
        self.db = db
        self.repo = repo
        self.documents = documents

    def rules(self) -> dict[str, int]:
        """Months to keep raw material, by source (sources without a rule keep it)."""
        return self.repo.rules()

    @audited("set retention", "retention rule")
    @requires(Role.admin)
    def set_rule(self, source: str, months: int | None) -> dict[str, int]:
        """Keep the raw material of `source` for `months` months (None: for good); returns
        the rules."""
        if source not in {s.value for s in Source}:
            raise InvalidInput("there is no source {source}", field="source", source=repr(source))
        if months is not None and not 1 <= months <= MAX_MONTHS:
            raise InvalidInput("months must be 1 to {most}", field="months", most=MAX_MONTHS)
        with self.db.transaction() as cur:
            self.repo.set_rule(cur, source, months, self.acting.actor_name, now())
        return self.rules()

    @audited("apply retention", "retention", key=lambda service, result, *a, **k: None)
    @requires(Role.admin)
    def apply(self, at: datetime | None = None) -> RetentionReport:
        """Drop the raw material the rules say is due (one transaction, one audit entry with
        the counts); see the module docstring for what goes and what stays."""
        at = at or now()
        report = RetentionReport(ran_at=at, rules=self.rules())
        files: list[Path] = []
        with self.db.transaction() as cur:
            for source, months in report.rules.items():
                before = months_before(at, months)
                imports = self.repo.aged_imports(source, before)
                if imports:
                    self.repo.drop_import_files(cur, [i for i, _ in imports], at)
                    report.imports += len(imports)
                    files += [Path(p) for _, p in imports if p]
                aged = self.documents.aged(source, before) if self.documents else []
                if aged and self.documents is not None:
                    self.documents.drop_text(cur, aged, at)
                    report.documents += len(aged)
                ids = self.repo.aged_insights(source, before)
                if not ids:
                    continue
                evidence, versions = self.repo.drop_raw_text(cur, ids)
                report.insights += len(ids)
                report.evidence += evidence
                report.versions += versions
                for entry_id, old, new in self.repo.audit_about("insight", ids):
                    changes = {}
                    for column, value in (("before", old), ("after", new)):
                        parsed = json.loads(value) if value else None
                        if parsed is not None and _blank_text(parsed) != parsed:
                            changes[column] = json.dumps(_blank_text(parsed), default=str)
                    if changes:
                        self.repo.update_place(cur, "audit entry", (entry_id,), changes)
                        report.audit_entries += 1
            for path in files:  # last, so a failed write above keeps them
                report.files_deleted += delete_raw_file(path)
        return report
