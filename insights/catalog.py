"""Studies and choice lists: what organises insights (`kb.catalog`)."""

from __future__ import annotations

from pydantic import ValidationError

from insights.acting import Acting, audited, requires
from storage.catalog import CatalogRepository
from storage.db import Database
from storage.insights import InsightRepository
from vocabulary.errors import InvalidInput, NotFound, describe_validation_error
from vocabulary.knowledge import CHOICE_FIELDS, Insight, SearchFilters, Study, StudyIn
from vocabulary.people import Role


class Catalog:
    """Verbs on studies and on the editable lists of segments, touchpoints, stages, channels."""

    def __init__(
        self, acting: Acting, db: Database, repo: CatalogRepository, insights: InsightRepository
    ) -> None:
        self.acting = acting
        self.db = db
        self.repo = repo
        self.insights = insights

    @audited("create", "study", key=lambda kb, result, *a, **k: result.id)
    @requires(Role.researcher)
    def create_study(self, study: StudyIn | dict) -> Study:
        """Create a study; returns it."""
        try:
            study = study if isinstance(study, StudyIn) else StudyIn.model_validate(study)
        except ValidationError as error:
            raise describe_validation_error(error) from None
        if study.started_on and study.ended_on and study.ended_on < study.started_on:
            raise InvalidInput("ended_on is before started_on; fix the dates", field="ended_on")
        with self.db.transaction() as cur:
            study_id = self.repo.create_study(cur, study)
        return self.study(study_id)

    def studies(self) -> list[Study]:
        """All studies, newest first, with their insight counts."""
        return self.repo.studies()

    def study(self, study_id: int) -> Study:
        """One study; raises `NotFound`."""
        found = self.repo.studies([study_id])
        if not found:
            raise NotFound("Study {study_id} does not exist.", study_id=study_id)
        return found[0]

    def study_insights(
        self, study_id: int, offset: int = 0, limit: int = 20
    ) -> tuple[list[Insight], int]:
        """The findings of a study, newest first, one page at a time, with the total."""
        self.study(study_id)
        return self.insights.page(SearchFilters(study_id=[study_id]), offset, limit)

    def choices(self, field: str) -> list[str]:
        """The values offered for segment, touchpoint, journey_stage or channel."""
        self._check_choice_field(field)
        return self.repo.choices(field)

    @requires(Role.contributor)
    def add_choice(self, field: str, value: str) -> list[str]:
        """Extend a field's list of values; returns the new list."""
        self._check_choice_field(field)
        value = " ".join(value.split())
        if not value or len(value) > 100:
            raise InvalidInput("A new {field} value must have 1 to 100 characters.", field=field)
        with self.db.transaction() as cur:
            self.repo.add_choice(cur, field, value)
        return self.choices(field)

    @audited("set choices", "choices")
    @requires(Role.researcher)
    def set_choices(
        self, field: str, values: list[str], renames: dict[str, str] | None = None
    ) -> list[str]:
        """Replace a field's list (new order, added or removed values) in one transaction.

        `renames` (old -> new) also moves the insights that carry an old value to the new one;
        insights keep values removed from the list.
        """
        self._check_choice_field(field)
        cleaned = []
        for value in values:
            value = " ".join(value.split())
            if not value or len(value) > 100:
                raise InvalidInput(
                    "Every {field} value must have 1 to 100 characters.", field=field
                )
            if value not in cleaned:
                cleaned.append(value)
        if not cleaned:
            raise InvalidInput("Keep at least one {field} value.", field=field)
        with self.db.transaction() as cur:
            self.repo.replace_choices(cur, field, cleaned)
            for old, new in (renames or {}).items():
                if old != new:
                    self.repo.rename_value(cur, field, old, new)
        return self.choices(field)

    @staticmethod
    def _check_choice_field(field: str) -> None:
        if field not in CHOICE_FIELDS:
            raise InvalidInput(
                "{field} has no list of choices; use one of {choices}",
                field=field,
                choices=", ".join(CHOICE_FIELDS),
            )
