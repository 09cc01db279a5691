"""Documents become findings: Markdown, plain text, Word and PDF by headings and paragraphs,
WebVTT and SRT transcripts by speaker turns.

Each finding is a record {"text", "title", "__location__"}; the location ("section Onboarding,
paragraph 3", "page 2", "00:01:05-00:01:40, Anna") is kept with the finding as evidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from readers.archives import check_archive
from vocabulary.errors import ReadError

Record = tuple[int, dict[str, str]]
MIN_FINDING_CHARS = 20  # shorter blocks ("Yes.", "Thanks!", page numbers) are not findings
MAX_FINDING_CHARS = 1500  # longer paragraphs are cut at sentence ends
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+")


def _finding(number: int, text: str, title: str | None, location: str) -> Iterator[Record]:
    text = " ".join(text.split())
    if len(text) < MIN_FINDING_CHARS:
        return
    for part in _sentence_parts(text):
        record = {"text": part, "__location__": location}
        if title:
            record["title"] = title[:200]
        yield number, record


def _sentence_parts(text: str) -> list[str]:
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
    with open(path, encoding=encoding, errors="replace") as handle:
        lines = handle.read().splitlines()
    title, block, start, paragraph = None, list[str](), 1, 0

    def flush() -> Iterator[Record]:
        nonlocal paragraph
        if block:
            paragraph += 1
            where = f"line {start}" + (f", section {title}" if title else "")
            yield from _finding(start, " ".join(block), title, where)
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
        yield from _finding(number, text, title, where)


def pdf(path: Path) -> Iterator[Record]:
    """Paragraphs of a PDF's text, page by page (scanned pages without text yield nothing)."""
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
            yield from _finding(page_number, block, None, f"page {page_number}")


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


def _turn(cues: list) -> Iterator[Record]:
    line, start, speaker = cues[0][0], cues[0][1], cues[0][3]
    where = f"{start}-{cues[-1][2]}" + (f", {speaker}" if speaker else "")
    for number, record in _finding(line, " ".join(c[4] for c in cues), None, where):
        if speaker:
            record["speaker"] = speaker
        yield number, record
