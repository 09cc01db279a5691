"""The vocabulary of webhooks out: the events, a hook as an admin registers it, a delivery."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from vocabulary.knowledge import check_control_chars


class Event(StrEnum):
    """What a hook can be told of."""

    insight_added = "insight.added"  # one added by a person or the API (not each imported row)
    question_asked = "question.asked"
    question_answered = "question.answered"
    evidence_added = "question.evidence"  # an insight confirmed as evidence for a question
    import_finished = "import.finished"


class HookKind(StrEnum):
    """How a hook's body is written."""

    json = "json"  # the event as signed JSON, for a program
    slack = "slack"  # a Slack incoming webhook: {"text": ...}
    teams = "teams"  # a Teams Workflows webhook: an Adaptive Card message


class Cadence(StrEnum):
    """How often a person's own chat is sent their "For you" items."""

    each = "each"  # each new item, as it comes
    daily = "daily"  # one summary a day


class ChatIn(BaseModel):
    """A person's own chat as they connect it: a Slack or Teams incoming webhook address."""

    model_config = ConfigDict(str_strip_whitespace=True, use_enum_values=True, extra="forbid")

    url: str = Field(min_length=8, max_length=2000)
    kind: Literal["slack", "teams"] = "slack"
    cadence: Cadence = Cadence.each

    @field_validator("url")
    @classmethod
    def _no_control_chars(cls, value: str) -> str:
        return check_control_chars(value)


class HookIn(BaseModel):
    """A new hook as an admin asks for it."""

    model_config = ConfigDict(str_strip_whitespace=True, use_enum_values=True, extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    url: str = Field(min_length=8, max_length=2000)
    kind: HookKind = HookKind.json
    events: list[Event] = Field(min_length=1, max_length=len(Event))
    language: str = Field(default="en", pattern="^(en|fi|sv)$")
    allow_private: bool = False

    @field_validator("name", "url")
    @classmethod
    def _no_control_chars(cls, value: str) -> str:
        return check_control_chars(value)

    @field_validator("events")
    @classmethod
    def _once_each(cls, events: list[str]) -> list[str]:
        return [e.value for e in Event if e.value in events]


class Hook(BaseModel):
    """A hook as it is kept (its secret is not part of it: only the sender reads that)."""

    id: str
    name: str
    url: str
    kind: str
    events: list[str]
    language: str
    allow_private: bool
    enabled: bool
    failures: int  # failed attempts in a row
    disabled_at: datetime | None = None
    disabled_why: str | None = None
    created_by: str | None = None
    created_at: datetime
    owner: str | None = None  # a person's own chat (their "For you" items); None: an admin's
    cadence: str | None = None  # a person's chat: each | daily
    items_until: datetime | None = None  # a person's chat: items up to this one are queued
    summary_on: date | None = None  # a person's chat: the day of the last daily summary


class Delivery(BaseModel):
    """One event on its way to one hook, and what the last try got."""

    id: str  # also the event id the receiver sees (X-Oivallus-Event-Id)
    hook_id: str
    event: str
    subject: dict
    created_at: datetime
    next_at: datetime | None = None  # None once delivered or given up
    attempts: int = 0
    state: str = "waiting"  # waiting, delivered, failed (given up)
    last_status: int | None = None
    last_response: str | None = None
    last_at: datetime | None = None
