"""Documents become findings: Markdown, plain text, Word and PDF by headings and paragraphs,
WebVTT and SRT transcripts by speaker turns.

Each reader yields `Block`s (a paragraph under its heading, a page's block, a speaker's
turn); readers.document_text keeps them as the document's whole text for the reader. Each
finding is a record {"text", "title", "__location__"}; the location ("paragraph 3, section
Onboarding", "page 2", "00:01:05-00:01:40") is kept with the finding as evidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from readers.archives import check_archive
from vocabulary.errors import ReadError

Record = tuple[int, dict[str, str]]
MIN_FINDING_CHARS = 20  # shorter blocks ("Yes.", "Thanks!", page numbers) are not findings
MAX_FINDING_CHARS = 1500  # longer paragraphs are cut at sentence ends
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+")


@dataclass
class Block:
    """One stretch of a document: its text (whitespace made single spaces), the line, paragraph
    or page it starts at, where it stands in words, its heading, and a transcript's speaker
    label and times."""

    line: int
    text: str
    location: str
    heading: str | None = None
    speaker: str | None = None
    started: str | None = None
    ended: str | None = None


def records(blocks: Iterable[Block]) -> Iterator[Record]:
    """The findings of a document's blocks (blocks too short to be a finding are left out)."""
    for block in blocks:
        for number, record in _finding(block.line, block.text, block.heading, block.location):
            if block.speaker:
                record["speaker"] = block.speaker
            yield number, record


def _block(line: int, text: str, location: str, **more) -> Iterator[Block]:
    text = " ".join(text.split())
    if text:
        yield Block(line, text, location, **more)


def _finding(number: int, text: str, title: str | None, location: str) -> Iterator[Record]:
    text = " ".join(text.split())
    if len(text) < MIN_FINDING_CHARS:
        return
    for part in sentence_parts(text):
        record = {"text": part, "__location__": location}
        if title:
            record["title"] = title[:200]
        yield number, record


def sentence_parts(text: str) -> list[str]:
    """A text cut at sentence ends into parts of at most MAX_FINDING_CHARS (each a piece of it)."""
    if len(text) <= MAX_FINDING_CHARS:
        return [text]
    parts, current = [], ""
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        if current and len(current) + len(sentence) > MAX_FINDING_CHARS:
            parts.append(current)
            current = ""
        current = f"{current} {sentence}".strip()
        while len(current) > MAX_FINDING_CHARS:  # one sentence longer than a finding
            parts.append(current[:MAX_FINDING_CHARS])
            current = current[MAX_FINDING_CHARS:]
    return [*parts, current] if current else parts


def markdown(path: Path, encoding: str) -> Iterator[Record]:
    """Paragraphs and list items of a Markdown or text file; headings become their titles."""
    return records(markdown_blocks(path, encoding))


def markdown_blocks(path: Path, encoding: str) -> Iterator[Block]:
    """The paragraphs and list items of a Markdown or text file under their headings."""
    with open(path, encoding=encoding, errors="replace") as handle:
        lines = handle.read().splitlines()
    title, block, start, paragraph = None, list[str](), 1, 0

    def flush() -> Iterator[Block]:
        nonlocal paragraph
        if block:
            paragraph += 1
            where = f"line {start}" + (f", section {title}" if title else "")
            yield from _block(start, " ".join(block), where, heading=title)
            block.clear()

    for number, line in enumerate(lines, start=1):
        heading = _HEADING.match(line)
        if heading or not line.strip() or _BULLET.match(line):
            yield from flush()
        if heading:
            title = heading[2]
            continue
        if line.strip():
            if not block:
                start = number
            block.append(_BULLET.sub("", line).strip())
    yield from flush()


def docx(path: Path) -> Iterator[Record]:
    """Paragraphs of a Word document; headings (and the title) become their titles."""
    return records(docx_blocks(path))


def docx_blocks(path: Path) -> Iterator[Block]:
    """The paragraphs of a Word document under their headings."""
    import docx as python_docx  # a heavy import, needed only for Word files

    check_archive(path)  # before python-docx unpacks anything
    try:
        document = python_docx.Document(str(path))
    except Exception as error:  # noqa: BLE001 - python-docx raises many kinds on a bad file
        raise ReadError(
            "the Word file cannot be opened ({problem}); save it again as .docx", problem=str(error)
        ) from None
    title, number = None, 0
    for paragraph in document.paragraphs:
        number += 1
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        text = paragraph.text.strip()
        if style.startswith("Heading") or style == "Title":
            title = text or title
            continue
        where = f"paragraph {number}" + (f", section {title}" if title else "")
        yield from _block(number, text, where, heading=title)


def pdf(path: Path) -> Iterator[Record]:
    """Paragraphs of a PDF's text, page by page (scanned pages without text yield nothing)."""
    return records(pdf_blocks(path))


def pdf_blocks(path: Path) -> Iterator[Block]:
    """The paragraphs of a PDF's text, page by page."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ReadError(
                "the PDF is password-protected; save an unprotected copy and import that"
            )
        pages = list(reader.pages)
    except ReadError:
        raise
    except Exception as error:  # noqa: BLE001 - pypdf raises many kinds on a damaged file
        raise ReadError(
            "the PDF cannot be read ({problem}); is the file complete?", problem=str(error)
        ) from None
    if not pages:
        raise ReadError("the PDF has no pages")
    for page_number, page in enumerate(pages, start=1):
        try:
            # layout mode keeps the vertical gaps between paragraphs as blank lines
            text = page.extract_text(extraction_mode="layout") or ""
        except Exception as error:  # noqa: BLE001 - pypdf raises many kinds on damaged pages
            raise ReadError(
                "page {page} of the PDF cannot be read ({problem})",
                page=page_number,
                problem=str(error),
            ) from None
        for block in re.split(r"\n\s*\n", text):
            yield from _block(page_number, block, f"page {page_number}")


_TIMING = re.compile(
    r"^\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{3})\s*-->\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{3})"
)
_VOICE = re.compile(r"<v(?:\.[^ >]*)?\s+([^>]+)>")
_PREFIX = re.compile(r"^\s*([A-ZÅÄÖ][\w .'-]{0,40}?):\s+")


def _clock(stamp: str) -> str:
    parts = stamp.replace(",", ".").split(".")[0].split(":")
    return ":".join(p.zfill(2) for p in (["0"] * (3 - len(parts)) + parts))


def transcript(path: Path, encoding: str) -> Iterator[Record]:
    """WebVTT or SRT cues merged into speaker turns (`<v Name>` tags or "Name:" prefixes)."""
    return records(transcript_blocks(path, encoding))


def transcript_blocks(path: Path, encoding: str) -> Iterator[Block]:
    """The speaker turns of a WebVTT or SRT transcript, with their times."""
    with open(path, encoding=encoding, errors="replace") as handle:
        lines = handle.read().splitlines()
    cues, speaker = [], None
    for index, line in enumerate(lines):
        timing = _TIMING.match(line)
        if not timing:
            continue
        text_lines = []
        for follow in lines[index + 1 :]:
            if not follow.strip():
                break
            text_lines.append(follow)
        text = " ".join(text_lines)
        voice = _VOICE.search(text) or _PREFIX.match(text)
        if voice:
            speaker = voice[1].strip()
            text = text[voice.end() :] if voice.re is _PREFIX else text
        text = re.sub(r"<[^>]+>", "", text).strip()
        cues.append((index + 1, _clock(timing[1]), _clock(timing[2]), speaker, text))
    if not cues:
        raise ReadError(
            "no cues found: a transcript needs timing lines like 00:00:01.000 --> 00:00:04.000"
        )
    turn: list = []
    for cue in cues:
        if turn and cue[3] != turn[-1][3]:
            yield from _turn(turn)
            turn = []
        turn.append(cue)
    yield from _turn(turn)


def _turn(cues: list) -> Iterator[Block]:
    line, start, end, speaker = cues[0][0], cues[0][1], cues[-1][2], cues[0][3]
    text = " ".join(c[4] for c in cues)
    # the speaker's name stays out of the location (a quote's place): the span names the role
    yield from _block(line, text, f"{start}-{end}", speaker=speaker, started=start, ended=end)
