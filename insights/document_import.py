"""An import of a document keeps it whole for the reader (readers.document_text): the
document is stored once (a second import of the same text finds it), and the findings cut
from it carry their span, so the import loop records where each insight stands.

Of a transcript only the participants' turns become insights: the roles are guessed at the
first import (the one who asks the most questions interviews) and a researcher's later choice
(`kb.documents.set_speakers`) holds for every import after it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

from readers.document_text import DocumentText, cut, number_pseudonyms, read_document
from readers.tables import SAMPLE_BYTES, detect_encoding
from storage.documents import DocumentRepository
from vocabulary.documents import Segment, Span, SpeakerRole
from vocabulary.knowledge import now

SPAN = "__span__"  # a record's key: the index of its cut in `DocumentCuts.cuts`


class DocumentCuts:
    """A stored document and the findings cut from it, for the import loop."""

    def __init__(self, document_id: int, document: DocumentText, cuts: list[tuple]) -> None:
        self.document_id, self.document, self.cuts = document_id, document, cuts

    def records(self) -> Iterator[tuple[int, dict[str, str]]]:
        """The findings as the import loop reads rows: (line, record), the span's index kept
        under SPAN."""
        transcript = self.document.kind == "transcript"
        labels = {s.number: s.label for s in self.document.speakers}
        for index, (segment, start, end) in enumerate(self.cuts):
            record = {
                "text": self.document.text[start:end],
                "__location__": segment.location,
                SPAN: str(index),
            }
            if segment.heading and not transcript:
                record["title"] = segment.heading[:200]
            if segment.speaker is not None and labels.get(segment.speaker):
                record["speaker"] = labels[segment.speaker] or ""
            yield self.document.lines[segment.number - 1], record

    def span(self, index: str, insight_id: int, by: str | None) -> Span:
        """The span of the cut at `index` for the insight stored from it."""
        segment, start, end = self.cuts[int(index)]
        return Span.of_cut(segment, self.document_id, insight_id, start, end, by)


def speakers_of(path: Path) -> list:
    """A transcript's speakers with the guess of their roles, before anything is stored (the
    import's preview); [] for other files."""
    if path.suffix.lower().lstrip(".") not in ("vtt", "srt"):
        return []
    with open(path, "rb") as handle:
        encoding = detect_encoding(handle.read(SAMPLE_BYTES))
    return read_document(path, encoding).speakers


def taken_segments(document: DocumentText, roles: dict[int, str]) -> list[Segment]:
    """The segments whose findings become insights: every segment of a document; of a
    transcript, the turns of its participants."""
    if document.kind != "transcript":
        return document.segments
    return [s for s in document.segments if roles.get(s.speaker or 0) == SpeakerRole.participant]


def store_document(
    repo: DocumentRepository,
    path: Path,
    name: str,
    clean: Callable[[str], tuple[str, Counter]] | None,
    source: str | None,
    study_id: int | None,
    import_id: int,
    by: str | None,
    roles: dict[str, str] | None = None,
) -> tuple[DocumentCuts, Counter]:
    """Read a document (scrubbed block by block with `clean`), store it unless the same text
    is stored already, and cut its findings; returns them and the personal data removed.
    `roles` (a speaker's label -> role, chosen on the import's preview) replace the guess for
    a new document; a document stored before keeps the roles it has."""
    with open(path, "rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
    suffix = path.suffix.lower().lstrip(".")
    encoding = "utf-8" if suffix in ("docx", "pdf") else detect_encoding(sample)
    removed: Counter = Counter()

    def scrubbed(text: str) -> str:
        if clean is None:
            return text
        cleaned, counts = clean(text)
        removed.update(counts)
        return cleaned

    document = read_document(path, encoding, scrubbed)
    if roles:
        for speaker in document.speakers:
            if roles.get(speaker.label or "") in {r.value for r in SpeakerRole}:
                speaker.role = SpeakerRole(roles[speaker.label or ""])
        number_pseudonyms(document.speakers)
    with repo.db.transaction() as cur:
        document_id = repo.find(cur, document.content_hash)
        if document_id is None:
            document_id = repo.insert(
                cur,
                {
                    "file": name,
                    "kind": document.kind,
                    "source": source,
                    "study_id": study_id,
                    "import_id": import_id,
                    "content_hash": document.content_hash,
                    "text": document.text,
                    "created_by": by,
                    "created_at": now(),
                },
                document.segments,
                document.speakers,
            )
    stored = repo.get(document_id)
    if stored is not None and stored.speakers:  # a researcher's roles from before hold
        document.speakers = stored.speakers
    chosen = {s.number: str(s.role) for s in document.speakers}
    return DocumentCuts(
        document_id, document, cut(document, taken_segments(document, chosen))
    ), removed
