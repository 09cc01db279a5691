"""The vocabulary of knowledge: insights, their links and evidence, studies, themes, filters.

The vocabulary imports nothing of ours, so storage, readers, the domain, pages and tests all
speak it.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from enum import StrEnum
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

from vocabulary.errors import InvalidValue

MAX_TEXT_CHARS = 20_000
MAX_SHORT_CHARS = 300
MAX_URL_CHARS = 2_000

# Control characters other than tab, newline and carriage return have no place in prose and
# break exports, terminals and some browsers; NUL also truncates strings in C libraries.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Kind(StrEnum):
    """What sort of insight this is."""

    observation = "observation"
    finding = "finding"
    quote = "quote"
    metric = "metric"


class Source(StrEnum):
    """Where an insight came from."""

    field_note = "field note"
    interview = "interview"
    survey = "survey"
    support_ticket = "support ticket"
    usability_test = "usability test"
    analytics = "analytics"
    email = "e-mail"  # a message to the mailbox the app polls (ingest/mailbox.py)
    other = "other"


class Sentiment(StrEnum):
    """The customer's feeling the insight reports."""

    positive = "positive"
    neutral = "neutral"
    negative = "negative"


class LinkStatus(StrEnum):
    """Where a link between two insights stands: suggested by the machine, or decided by a
    person."""

    suggested = "suggested"
    confirmed = "confirmed"
    rejected = "rejected"


def now() -> datetime:
    """The current time to the second, as timestamps are stored."""
    return datetime.now().replace(microsecond=0)


# Characters that do not show: a tag with one looks like a tag without it.
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")


def tag_key(name: str) -> str:
    """A tag as insights carry it: one Unicode form (NFC: "é" typed either way is one letter),
    lowercase, single spaces, no invisible or control characters."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFC", str(name)))
    return check_control_chars(" ".join(text.split()).lower())


def check_control_chars(value: str) -> str:
    match = _CONTROL_CHARS.search(value)
    if match:
        code = ord(match.group())
        raise InvalidValue(
            "contains a control character ({code}) at position {position}; remove it and try again",
            code=f"U+{code:04X}",
            position=match.start(),
        )
    return value


def check_source_url(value: str) -> str:
    """A source address as an insight keeps it: an http(s) web address of at most
    MAX_URL_CHARS characters, with a host and no spaces, control or invisible characters (a
    `javascript:` or `data:` address is refused, so a link to it can never be shown)."""
    for position, char in enumerate(value):
        if char.isspace() or unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp", "Zs"):
            raise InvalidValue(
                "has a space or an invisible character at position {position}; "
                "copy the address from the browser's address bar",
                position=position,
            )
    if len(value) > MAX_URL_CHARS:
        raise InvalidValue(
            "is too long (at most {max_length} characters); shorten it",
            max_length=MAX_URL_CHARS,
        )
    try:
        parts = urlsplit(value)
        scheme, host = parts.scheme.lower(), parts.hostname
    except ValueError:  # a malformed host ("http://[::1")
        scheme, host = "", None
    if scheme not in ("http", "https") or not host:
        raise InvalidValue(
            "must be a web address starting with https:// or http://, e.g. https://example.com/page"
        )
    return value


# The short free-text fields of an insight (each at most MAX_SHORT_CHARS, cleaned alike)
SHORT_FIELDS = (
    "title",
    "author",
    "team",
    "segment",
    "touchpoint",
    "journey_stage",
    "channel",
    "external_id",
)


class InsightIn(BaseModel):
    """An insight as a person or an import hands it in; validated before anything is stored."""

    model_config = ConfigDict(str_strip_whitespace=True, use_enum_values=True)

    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS)
    title: str | None = Field(default=None, max_length=MAX_SHORT_CHARS)
    kind: Kind = Kind.observation
    source: Source = Source.field_note
    study_id: int | None = None
    author: str | None = Field(default=None, max_length=MAX_SHORT_CHARS)
    team: str | None = Field(default=None, max_length=MAX_SHORT_CHARS)
    segment: str | None = Field(default=None, max_length=MAX_SHORT_CHARS)
    touchpoint: str | None = Field(default=None, max_length=MAX_SHORT_CHARS)
    journey_stage: str | None = Field(default=None, max_length=MAX_SHORT_CHARS)
    channel: str | None = Field(default=None, max_length=MAX_SHORT_CHARS)
    sentiment: Sentiment | None = None
    observed_at: date | None = None
    tags: list[str] = Field(default_factory=list)
    language: str | None = Field(default=None, max_length=8)
    external_id: str | None = Field(default=None, max_length=MAX_SHORT_CHARS)
    # the web page it was captured from (the bookmarklet, a share link, the form)
    source_url: str | None = Field(default=None, max_length=MAX_URL_CHARS)

    @field_validator("text", *SHORT_FIELDS)
    @classmethod
    def _no_control_chars(cls, value: str | None) -> str | None:
        return None if value is None else check_control_chars(value)

    @field_validator(*SHORT_FIELDS, "language")
    @classmethod
    def _empty_is_none(cls, value: str | None) -> str | None:
        return value or None

    @field_validator("source_url")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        return check_source_url(value) if value else None

    @field_validator("tags")
    @classmethod
    def _clean_tags(cls, tags: list[str]) -> list[str]:
        cleaned: list[str] = []
        for tag in tags:
            tag = tag_key(tag)
            if len(tag) > 60:
                raise InvalidValue("tag {tag}... is longer than 60 characters", tag=repr(tag[:20]))
            if tag and tag not in cleaned:
                cleaned.append(tag)
        return cleaned


class Insight(InsightIn):
    """A stored insight."""

    id: int
    language: str
    content_hash: str
    version: int = 1
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = None
    created_by: str | None = None  # the username of the account that added it


class InsightVersion(BaseModel):
    """One kept version of an insight: what it said before an edit, who edited, when."""

    insight_id: int
    version: int
    data: InsightIn
    edited_by: str | None = None
    edited_at: datetime


class Evidence(BaseModel):
    """A further text supporting an insight (for example a merged near-duplicate)."""

    id: int
    insight_id: int
    text: str
    source: str | None = None
    author: str | None = None
    observed_at: date | None = None
    created_at: datetime


class Hit(BaseModel):
    """A search result or a neighbour: the insight with its fused score (higher is better)."""

    insight_id: int
    score: float
    dense_score: float = 0.0
    lexical_score: float = 0.0
    shared_score: float = 0.0  # across languages: the share of words the pair translates
    insight: Insight


class StageSuggestion(BaseModel):
    """A journey stage for an insight without one, and the neighbours it comes from."""

    stage: str
    neighbours: list[int]  # ids of the nearest insights at that stage
    of: int  # how many staged neighbours were looked at


class Suggestion(BaseModel):
    """A value suggested for one field of a saved insight, and why: the person's account
    ("account"), their earlier insights ("usual"), the calendar ("today"), the note's own words
    ("words") or its nearest similar insights ("neighbours")."""

    field: str  # an InsightIn field: team, segment, observed_at, sentiment, journey_stage, ...
    value: str  # one tag for "tags"; an ISO date for "observed_at"
    reason: str
    neighbours: list[int] = Field(default_factory=list)  # the insights it came from
    of: int = 0  # how many insights were looked at
    words: list[str] = Field(default_factory=list)  # the words a sentiment was read from


class Link(BaseModel):
    """A link from one insight to another, with the machine's score and a person's decision."""

    insight_id: int
    other_id: int
    score: float
    status: LinkStatus
    duplicate: bool = False
    decided_by: str | None = None
    other: Insight | None = None


class AddResult(BaseModel):
    """What `KnowledgeBase.add` returns: the stored insight and the links suggested for it."""

    insight: Insight
    links: list[Link] = Field(default_factory=list)
    created: bool = True


class StudyIn(BaseModel):
    """A study as a person creates it."""

    model_config = ConfigDict(str_strip_whitespace=True)

    title: str = Field(min_length=1, max_length=MAX_SHORT_CHARS)
    method: str | None = Field(default=None, max_length=MAX_SHORT_CHARS)
    started_on: date | None = None
    ended_on: date | None = None
    owner: str | None = Field(default=None, max_length=MAX_SHORT_CHARS)
    description: str | None = Field(default=None, max_length=MAX_TEXT_CHARS)

    @field_validator("title", "method", "owner", "description")
    @classmethod
    def _no_control_chars(cls, value: str | None) -> str | None:
        return None if value is None else check_control_chars(value)


class Study(StudyIn):
    """A stored study."""

    id: int
    created_at: datetime
    insight_count: int = 0


class SearchFilters(BaseModel):
    """Narrow a search; every field left empty means "any"."""

    kind: list[str] = Field(default_factory=list)
    source: list[str] = Field(default_factory=list)
    study_id: list[int] = Field(default_factory=list)
    segment: list[str] = Field(default_factory=list)
    touchpoint: list[str] = Field(default_factory=list)
    journey_stage: list[str] = Field(default_factory=list)
    sentiment: list[str] = Field(default_factory=list)
    team: list[str] = Field(default_factory=list)
    author: list[str] = Field(default_factory=list)  # "Mine": the person's name and username
    tags: list[str] = Field(default_factory=list)
    observed_from: date | None = None
    observed_to: date | None = None

    def is_empty(self) -> bool:
        """True when no filter narrows anything."""
        return not any(getattr(self, name) for name in type(self).model_fields)


CHOICE_FIELDS = ("segment", "touchpoint", "journey_stage", "channel")
NO_VALUE = "(none)"  # a filter value meaning "this field is empty" (as the journey map shows it)


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
