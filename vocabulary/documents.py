"""The vocabulary of documents: an imported document kept whole for the reader, its segments
(speaker turns, paragraphs under headings, pages), its speakers, and the spans of insights
cut or highlighted from it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from vocabulary.knowledge import now


class SpeakerRole(StrEnum):
    """Who a transcript's speaker is in the interview."""

    interviewer = "interviewer"
    participant = "participant"
    other = "other"


class SpanOrigin(StrEnum):
    """How an insight came from its document: cut at import (a turn, a paragraph) or
    highlighted by a person in the reader."""

    cut = "cut"
    highlight = "highlight"


class Segment(BaseModel):
    """One stretch of a document's text: a speaker's turn, a paragraph or a page's block."""

    number: int
    start: int  # character offsets into the document's text, end exclusive
    end: int
    speaker: int | None = None  # the speaker's number in the document
    started: str | None = None  # "00:01:05" for transcripts
    ended: str | None = None
    heading: str | None = None  # the section it stands in
    location: str = ""  # "line 3, section Onboarding", "page 2", "00:01:05-00:01:40"


class Speaker(BaseModel):
    """A transcript's speaker: the label in the file, the name a researcher gave, the role,
    and the number of the pseudonym ("Participant 1")."""

    number: int
    label: str | None = None
    name: str | None = None
    role: SpeakerRole = SpeakerRole.participant
    pseudonym: int = 1  # the n-th speaker of that role
    questions: int = 0  # turns that ask something (the interviewer guess)
    turns: int = 0


class Document(BaseModel):
    """An imported document as the reader shows it (`text` None once retention dropped it)."""

    id: int
    file: str
    kind: str  # "transcript" or "document"
    source: str | None = None
    study_id: int | None = None
    import_id: int | None = None
    content_hash: str
    text: str | None = None
    names_allowed: bool = False
    created_by: str | None = None
    created_at: datetime
    text_dropped_at: datetime | None = None
    deleted_at: datetime | None = None
    segments: list[Segment] = Field(default_factory=list)
    speakers: list[Speaker] = Field(default_factory=list)


class DocumentSummary(BaseModel):
    """A line of the list of documents."""

    id: int
    file: str
    kind: str
    created_at: datetime
    created_by: str | None = None
    chars: int = 0
    insights: int = 0
    text_dropped_at: datetime | None = None


class Span(BaseModel):
    """Where an insight stands in its document: character offsets, speaker and times."""

    insight_id: int
    document_id: int
    start: int
    end: int
    segment: int | None = None
    speaker: int | None = None
    started: str | None = None
    ended: str | None = None
    origin: SpanOrigin = SpanOrigin.cut
    created_by: str | None = None
    created_at: datetime | None = None

    @classmethod
    def of_cut(
        cls,
        segment: Segment,
        document_id: int,
        insight_id: int,
        start: int,
        end: int,
        by: str | None,
    ) -> Span:
        """The span of an insight cut from `segment` (characters `start`-`end`) at import or
        when a speaker becomes a participant, recorded now by `by`."""
        return cls(
            insight_id=insight_id,
            document_id=document_id,
            start=start,
            end=end,
            segment=segment.number,
            speaker=segment.speaker,
            started=segment.started,
            ended=segment.ended,
            created_by=by,
            created_at=now(),
        )


class Selection(BaseModel):
    """A text selection in the reader as the browser reports it: where it starts and ends
    (each end's document, when the browser says) and the text it covers."""

    document_id: int
    start: int
    end: int
    text: str
    end_document_id: int | None = None  # the document the selection ends in
