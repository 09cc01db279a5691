"""A document kept whole: the blocks of readers.documents joined into one text, with the
segments (offsets, speaker, times, heading), the speakers with a guess of who interviews, and
the spans of the findings an import cuts from it.

The text is the blocks' texts (whitespace made single spaces) with a blank line between
blocks, so a finding's text is exactly `text[start:end]` and the reader can mark it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from language.text import content_hash
from readers import documents
from readers.documents import MIN_FINDING_CHARS, Block
from vocabulary.documents import Segment, Speaker, SpeakerRole

SEPARATOR = "\n\n"
TRANSCRIPT_KINDS = ("vtt", "srt")
DOCUMENT_KINDS = ("md", "markdown", "txt", "docx", "pdf", *TRANSCRIPT_KINDS)
# Labels that say "the interviewer" in a transcript (lower case, without digits)
_INTERVIEWER_WORDS = re.compile(
    r"^(interviewer|moderator|facilitator|researcher|haastattelija|tutkija|fasilitaattori|"
    r"moderaattori|intervjuare|q)\b",
    re.I,
)


@dataclass
class DocumentText:
    """A document's whole text and what stands where in it."""

    kind: str  # "transcript" or "document"
    text: str
    segments: list[Segment] = field(default_factory=list)
    speakers: list[Speaker] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)  # the line (paragraph, page) of each segment

    @property
    def content_hash(self) -> str:
        """What makes a second import of the same document the same document."""
        return content_hash(f"{self.kind}\n{self.text}")


def is_document(path: Path) -> bool:
    """Whether a file is a document or transcript the reader keeps (not a table)."""
    return path.suffix.lower().lstrip(".") in DOCUMENT_KINDS


def blocks_of(path: Path, encoding: str) -> Iterable[Block]:
    """The blocks of a document file by its kind."""
    suffix = path.suffix.lower().lstrip(".")
    if suffix == "docx":
        return documents.docx_blocks(path)
    if suffix == "pdf":
        return documents.pdf_blocks(path)
    if suffix in TRANSCRIPT_KINDS:
        return documents.transcript_blocks(path, encoding)
    return documents.markdown_blocks(path, encoding)


def assemble(
    blocks: Iterable[Block], transcript: bool, clean: Callable[[str], str] | None = None
) -> DocumentText:
    """Join blocks into one text (each cleaned by `clean`, the scrubber, first)."""
    parts: list[str] = []
    segments: list[Segment] = []
    speakers: dict[str, Speaker] = {}
    offset, lines = 0, []
    for block in blocks:
        text = " ".join((clean(block.text) if clean else block.text).split())
        if not text:
            continue
        number = None
        if block.speaker is not None or transcript:
            label = block.speaker or ""
            if label not in speakers:
                speakers[label] = Speaker(number=len(speakers) + 1, label=label or None)
            speaker = speakers[label]
            speaker.turns += 1
            speaker.questions += "?" in text
            number = speaker.number
        if parts:
            offset += len(SEPARATOR)
        segments.append(
            Segment(
                number=len(segments) + 1,
                start=offset,
                end=offset + len(text),
                speaker=number,
                started=block.started,
                ended=block.ended,
                heading=block.heading,
                location=block.location,
            )
        )
        parts.append(text)
        lines.append(block.line)
        offset += len(text)
    return DocumentText(
        "transcript" if transcript else "document",
        SEPARATOR.join(parts),
        segments,
        guess_roles(list(speakers.values())),
        lines,
    )


def guess_roles(speakers: list[Speaker]) -> list[Speaker]:
    """Mark who interviews: a label that says so, else the one who asks the most questions
    (when anyone asks any); everyone else is a participant. Pseudonyms number each role."""
    if len(speakers) > 1:
        named = [s for s in speakers if s.label and _INTERVIEWER_WORDS.match(s.label.strip())]
        if named:
            for speaker in named:
                speaker.role = SpeakerRole.interviewer
        else:
            asker = max(speakers, key=lambda s: (s.questions, -s.number))
            if asker.questions:
                asker.role = SpeakerRole.interviewer
    return number_pseudonyms(speakers)


def number_pseudonyms(speakers: list[Speaker]) -> list[Speaker]:
    """Number the speakers of each role in order of appearance ("Participant 1", "2", ...)."""
    counts: dict[str, int] = {}
    for speaker in sorted(speakers, key=lambda s: s.number):
        counts[speaker.role] = counts.get(speaker.role, 0) + 1
        speaker.pseudonym = counts[speaker.role]
    return speakers


def read_document(
    path: Path, encoding: str, clean: Callable[[str], str] | None = None
) -> DocumentText:
    """A document file as one text with its segments and speakers (see the module
    docstring); raises `ReadError` like the readers of readers.documents."""
    transcript = path.suffix.lower().lstrip(".") in TRANSCRIPT_KINDS
    return assemble(blocks_of(path, encoding), transcript, clean)


def cut(document: DocumentText, segments: Iterable[Segment] | None = None) -> list[tuple]:
    """(segment, start, end) of the findings an import takes from the segments (default: all):
    every segment of at least MIN_FINDING_CHARS, longer ones cut at sentence ends."""
    found = []
    for segment in document.segments if segments is None else segments:
        text = document.text[segment.start : segment.end]
        if len(text) < MIN_FINDING_CHARS:
            continue
        at = 0
        for part in documents.sentence_parts(text):
            start = text.index(part, at)
            found.append((segment, segment.start + start, segment.start + start + len(part)))
            at = start + len(part)
    return found
