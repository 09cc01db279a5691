"""The vocabulary of the research backlog: questions, their statuses, votes and evidence."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict, Field, field_validator

from vocabulary.knowledge import MAX_SHORT_CHARS, MAX_TEXT_CHARS, Insight, check_control_chars


class QuestionStatus(StrEnum):
    """Where a research question stands."""

    open = "open"
    in_research = "in research"
    answered = "answered"
    dropped = "dropped"


class EvidenceRelation(StrEnum):
    """How a confirmed insight bears on a question."""

    answers = "answers"
    supports = "supports"
    contradicts = "contradicts"


class QuestionIn(BaseModel):
    """A question for the research backlog, as a person asks it."""

    model_config = ConfigDict(str_strip_whitespace=True, use_enum_values=True)

    text: str = Field(min_length=3, max_length=1000)
    decision: str | None = Field(default=None, max_length=MAX_TEXT_CHARS)
    team: str | None = Field(default=None, max_length=MAX_SHORT_CHARS)
    impact: int = Field(default=3, ge=1, le=5)
    effort: int = Field(default=3, ge=1, le=5)
    decision_date: date | None = None
    tags: list[str] = Field(default_factory=list)
    segments: list[str] = Field(default_factory=list)
    asked_by: str | None = Field(default=None, max_length=MAX_SHORT_CHARS)

    @field_validator("text", "decision", "team", "asked_by")
    @classmethod
    def _no_control_chars(cls, value: str | None) -> str | None:
        return None if value is None else check_control_chars(value) or None

    @field_validator("tags", "segments")
    @classmethod
    def _clean_list(cls, values: list[str]) -> list[str]:
        cleaned: list[str] = []
        for value in values:
            value = check_control_chars(" ".join(value.split()))
            if value and value not in cleaned:
                cleaned.append(value)
        return cleaned


class PriorityPart(NamedTuple):
    """One term of the priority formula: its input and what it adds to the score (a plain
    tuple: a backlog of 10,000 questions carries 60,000 of them)."""

    name: str
    value: float
    contribution: float
    rule: str


class Question(QuestionIn):
    """A stored question with its votes and computed priority."""

    id: int
    status: QuestionStatus = QuestionStatus.open
    answer: str | None = None
    drop_reason: str | None = None
    created_at: datetime
    updated_at: datetime
    votes: int = 0
    voters: list[str] = Field(default_factory=list)
    teams: list[str] = Field(default_factory=list)
    confidence: float = 0.0
    priority: float = 0.0
    explanation: list[PriorityPart] = Field(default_factory=list)
    new_evidence: int = 0


class StatusChange(BaseModel):
    """One kept change of a question's status."""

    question_id: int
    from_status: str | None
    to_status: str
    by: str | None
    at: datetime
    note: str | None = None


class QuestionEvidence(BaseModel):
    """An insight matched to a question: suggested by the machine or confirmed by a person."""

    question_id: int
    insight_id: int
    score: float
    status: str
    relation: EvidenceRelation | None = None
    decided_by: str | None = None
    insight: Insight | None = None
