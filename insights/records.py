"""Models of imports, survey responses, themes and people: the vocabulary of the rooms built
on the core (import history, analysis, trust). Like insights.models, imports only that."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from insights.models import now


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


class Theme(BaseModel):
    """A group of insights about one topic, found from their meaning."""

    id: int
    label: str  # what people see: the name someone gave it, else `terms`
    terms: str  # its most distinctive words (c-TF-IDF), recomputed with the theme
    name: str | None = None
    pinned: bool = False
    size: int = 0
    created_at: datetime
    updated_at: datetime
    insight_ids: list[int] = Field(default_factory=list)


class Role(StrEnum):
    """What a person may do; each role may do everything the ones before it may."""

    viewer = "viewer"  # read, vote, follow
    contributor = "contributor"  # + add observations, ask questions, edit their own insights
    researcher = (
        "researcher"  # + edit any insight, curate links, evidence, studies, themes, imports
    )
    admin = "admin"  # + people, settings, restore, export everything


class User(BaseModel):
    """A person who signs in."""

    model_config = ConfigDict(use_enum_values=True)

    username: str = Field(min_length=2, max_length=100, pattern=r"^[\w.@+-]+$")
    display_name: str = Field(min_length=1, max_length=200)
    role: Role = Role.contributor
    team: str | None = Field(default=None, max_length=100)
    email: str | None = Field(default=None, max_length=320)
    created_at: datetime = Field(default_factory=lambda: now())
    disabled_at: datetime | None = None


class AuditEntry(BaseModel):
    """One line of the append-only audit log."""

    id: int
    at: datetime
    actor: str | None
    action: str
    entity: str
    entity_id: str | None = None
    before: Any = None  # a dict (the entity), a list, a number or None
    after: Any = None
