"""The vocabulary of imports: the import history and survey responses."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field


class ImportRecord(BaseModel):
    """One import in the history: who brought in which file, when, and what it did."""

    id: int
    file: str
    path: str | None = None
    size: int
    imported_by: str | None = None
    source: str | None = None
    mapping: dict[str, str]
    status: str  # running, finished, cancelled, interrupted
    rows: int = 0
    inserted: int = 0
    duplicates: int = 0
    rejected: int = 0
    responses: int = 0
    pii: dict[str, int] = Field(default_factory=dict)
    started_at: datetime
    finished_at: datetime | None = None
    undone_at: datetime | None = None
    raw_dropped_at: datetime | None = None  # the raw file dropped by a retention rule


class SurveyResponse(BaseModel):
    """One answer to a score question: NPS 0-10, CSAT 1-5 or CES 1-7."""

    response_key: str
    metric: str
    score: int
    import_id: int | None = None
    insight_id: int | None = None
    segment: str | None = None
    touchpoint: str | None = None
    observed_at: date | None = None
    customer: str | None = None  # a keyed hash of the customer id, never the id
