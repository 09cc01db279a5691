"""The HTTP API's schema: pydantic models of what goes in and out, and its operations.

Every operation is one `Operation`: its method and path, the scope its token needs, the model
of its query, of its body and of its answer. views/api_openapi.py builds the OpenAPI document
from these and the models' JSON schemas, never by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from insights.files.exports import COLUMNS
from insights.rules.kpis import Kpi
from vocabulary.backlog import QuestionEvidence, QuestionIn, QuestionStatus
from vocabulary.imports import ImportRecord
from vocabulary.knowledge import Hit, Insight, InsightIn
from vocabulary.tokens import Scope

MAX_ITEMS = 1000  # insights in one create
STRICT = ConfigDict(extra="forbid")


class NewInsight(InsightIn):
    """An insight to store (the same fields and limits as the Add page); unknown fields are
    refused."""

    model_config = ConfigDict(str_strip_whitespace=True, use_enum_values=True, extra="forbid")


class NewQuestion(QuestionIn):
    """A question for the backlog; `asked_by` is the token's person whatever is sent."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")


class Vote(BaseModel):
    """A vote as the token's person: `on` true gives it, false takes it back, left out turns
    it over (toggles)."""

    model_config = STRICT

    on: bool | None = None


class Created(BaseModel):
    """The ids of the stored insights in the order sent (an insight stored before keeps its
    id: the same text is not stored twice)."""

    ids: list[int]


class InsightFilters(BaseModel):
    """The filters of a search; each may be repeated (`segment=A&segment=B`)."""

    model_config = STRICT

    kind: list[str] = Field(default_factory=list, max_length=20)
    source: list[str] = Field(default_factory=list, max_length=20)
    study_id: list[int] = Field(default_factory=list, max_length=20)
    segment: list[str] = Field(default_factory=list, max_length=20)
    touchpoint: list[str] = Field(default_factory=list, max_length=20)
    journey_stage: list[str] = Field(default_factory=list, max_length=20)
    sentiment: list[str] = Field(default_factory=list, max_length=20)
    team: list[str] = Field(default_factory=list, max_length=20)
    author: list[str] = Field(default_factory=list, max_length=20)
    tags: list[str] = Field(default_factory=list, max_length=20)
    observed_from: date | None = None
    observed_to: date | None = None


class SearchQuery(InsightFilters):
    """Search words and filters; every filter may be repeated (`segment=A&segment=B`). No
    words: the newest insights that match the filters."""

    q: str = Field(default="", max_length=500)
    limit: int = Field(default=10, ge=1, le=100)
    offset: int = Field(default=0, ge=0, le=10_000)


class ExportQuery(InsightFilters):
    """An export: the Search page's columns for the words (`q`: the best 10,000 hits) or, without
    words, every insight that matches the filters, newest first; `language` names a CSV's
    headers (the token's person's language when left out)."""

    q: str = Field(default="", max_length=500)
    format: Literal["csv", "jsonl"] = "csv"
    language: Literal["en", "fi", "sv"] | None = None


ExportedInsight = create_model(
    "ExportedInsight",
    __doc__="One line of a JSON Lines export: an insight's fields and the ids of its links.",
    **{
        name: (Insight.model_fields[name].annotation, None)
        for name in COLUMNS
        if name in Insight.model_fields
    },
    confirmed_links=(list[int], []),
    suggested_links=(list[int], []),
)


class SearchResults(BaseModel):
    """Hits, best first (with words), else the newest matches (score 0)."""

    hits: list[Hit]
    total: int | None = None  # without words: how many insights match the filters


class RelatedQuery(BaseModel):
    """How many related insights."""

    model_config = STRICT

    k: int = Field(default=5, ge=1, le=50)


class QuestionsQuery(BaseModel):
    """The backlog ranked as on the Backlog page."""

    model_config = STRICT

    status: QuestionStatus | None = QuestionStatus.open
    sort: Literal["priority", "newest", "votes"] = "priority"
    team: str | None = Field(default=None, max_length=200)
    tag: str | None = Field(default=None, max_length=200)
    segment: str | None = Field(default=None, max_length=200)
    limit: int = Field(default=50, ge=1, le=500)


class QuestionOut(BaseModel):
    """A question of the backlog (who voted is not shown; `voted`: whether the token's
    person did)."""

    id: int
    text: str
    status: str
    decision: str | None = None
    team: str | None = None
    impact: int
    effort: int
    decision_date: date | None = None
    tags: list[str] = Field(default_factory=list)
    segments: list[str] = Field(default_factory=list)
    asked_by: str | None = None
    answer: str | None = None
    votes: int = 0
    voted: bool = False
    confidence: float = 0.0
    priority: float = 0.0
    new_evidence: int = 0
    created_at: datetime
    updated_at: datetime


class Questions(BaseModel):
    """Questions, best first."""

    questions: list[QuestionOut]


class EvidenceList(BaseModel):
    """The insights linked to a question as evidence (confirmed or suggested)."""

    evidence: list[QuestionEvidence]


class ThemeOut(BaseModel):
    """A theme: its name (or distinctive words) and size."""

    id: int
    label: str
    terms: str
    name: str | None = None
    pinned: bool = False
    size: int = 0
    updated_at: datetime


class Themes(BaseModel):
    """Every theme."""

    themes: list[ThemeOut]


class KpiQuery(BaseModel):
    """One KPI over the counted survey responses."""

    model_config = STRICT

    metric: Literal["nps", "csat", "ces"] = "nps"
    segment: str | None = Field(default=None, max_length=200)
    touchpoint: str | None = Field(default=None, max_length=200)
    start: date | None = None
    end: date | None = None


class ImportJob(BaseModel):
    """An import started through the API: where it is, and what it did once finished."""

    id: int
    file: str
    status: Literal["running", "finished", "cancelled", "interrupted", "failed"] = "running"
    done: int = 0  # rows read so far
    total: int = 0  # about how many rows the file holds
    import_id: int | None = None  # undo it with POST /imports/{import_id}/undo
    inserted: int = 0
    duplicates: int = 0
    rejected: int = 0
    error: str | None = None


class UploadQuery(BaseModel):
    """The uploaded file's name (its suffix says how to read it: .csv, .xlsx, .json, .docx,
    .pdf, .txt, .vtt, ...)."""

    model_config = STRICT

    name: str = Field(min_length=1, max_length=200)


class Me(BaseModel):
    """Whom the token acts as and what it may do."""

    username: str
    display_name: str
    role: str
    scopes: list[str]
    expires_at: datetime


class FieldProblem(BaseModel):
    """One field that was refused and what to do."""

    field: str
    detail: str


class Problem(BaseModel):
    """An error, as RFC 9457 problem details (application/problem+json)."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldProblem] = Field(default_factory=list)


@dataclass(frozen=True)
class Operation:
    """One operation of the API."""

    method: str
    path: str  # under /api/v1, with {id} for a whole number
    name: str
    summary: str
    scope: Scope
    answer: type[BaseModel]
    status: int = 200
    query: type[BaseModel] | None = None
    body: Any = None  # a model, or the list form of NewInsight for a create
    upload: bool = False  # the body is a file (any content type), not JSON
    streamed: tuple[str, ...] = ()  # the media types of a streamed answer (`answer`: one line)


OPERATIONS = (
    Operation("GET", "/me", "me", "Whom this token acts as", Scope.read, Me),
    Operation(
        "POST",
        "/insights",
        "create_insights",
        f"Store one insight (an object) or up to {MAX_ITEMS} (an array), in one transaction",
        Scope.write,
        Created,
        201,
        body=NewInsight,
    ),
    Operation(
        "GET",
        "/insights",
        "search_insights",
        "Search insights with words and filters",
        Scope.read,
        SearchResults,
        query=SearchQuery,
    ),
    Operation(
        "GET",
        "/insights/export",
        "export_insights",
        "Export insights as on the Search page (CSV or JSON Lines), sent in pieces",
        Scope.read,
        ExportedInsight,
        query=ExportQuery,
        streamed=("text/csv", "application/x-ndjson"),
    ),
    Operation("GET", "/insights/{id}", "get_insight", "One insight", Scope.read, Insight),
    Operation(
        "GET",
        "/insights/{id}/related",
        "related_insights",
        "The insights nearest to one",
        Scope.read,
        SearchResults,
        query=RelatedQuery,
    ),
    Operation(
        "GET",
        "/questions",
        "ranked_questions",
        "The backlog, ranked",
        Scope.read,
        Questions,
        query=QuestionsQuery,
    ),
    Operation(
        "POST",
        "/questions",
        "ask_question",
        "Ask a question",
        Scope.write,
        QuestionOut,
        201,
        body=NewQuestion,
    ),
    Operation(
        "POST",
        "/questions/{id}/vote",
        "vote",
        "Vote for a question as the token's person (give, take back or toggle)",
        Scope.write,
        QuestionOut,
        body=Vote,
    ),
    Operation(
        "GET",
        "/questions/{id}/evidence",
        "question_evidence",
        "A question's evidence: confirmed and suggested insights",
        Scope.read,
        EvidenceList,
    ),
    Operation("GET", "/themes", "themes", "Every theme", Scope.read, Themes),
    Operation(
        "POST",
        "/imports",
        "start_import",
        "Upload a file and import it (in the background: follow it at /import-jobs/{id})",
        Scope.import_files,
        ImportJob,
        202,
        query=UploadQuery,
        upload=True,
    ),
    Operation(
        "GET",
        "/import-jobs/{id}",
        "import_job",
        "An import's progress",
        Scope.import_files,
        ImportJob,
    ),
    Operation(
        "GET", "/imports/{id}", "import_record", "One import", Scope.import_files, ImportRecord
    ),
    Operation(
        "POST",
        "/imports/{id}/undo",
        "undo_import",
        "Undo an import: its insights are deleted (restorable on the Import page)",
        Scope.import_files,
        ImportRecord,
    ),
    Operation("GET", "/kpis", "kpi", "One KPI with its margin", Scope.read, Kpi, query=KpiQuery),
)
