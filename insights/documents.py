"""Documents kept whole for the reader (`kb.documents`): the list, one document with its
segments, speakers and the spans of its insights; naming a transcript's speakers (only the
participants' turns are insights), highlights (a selected passage becomes an insight whose
evidence is its exact span) and their deletion.

Reading is open to every role; a highlight is a contributor's (they add an insight), naming
speakers and deleting a document a researcher's. Redaction is in insights.redaction.
"""

from __future__ import annotations

from pydantic import ValidationError

from insights.acting import Acting, audited, requires
from insights.collection import Insights
from insights.curation import Curation
from insights.document_import import taken_segments
from insights.runtime.indexing import Indexing
from readers.document_text import DocumentText, cut, number_pseudonyms
from storage.db import Database
from storage.documents import DocumentRepository
from vocabulary.documents import (
    Document,
    DocumentSummary,
    Selection,
    Span,
    SpanOrigin,
    Speaker,
    SpeakerRole,
)
from vocabulary.errors import InvalidInput, NotFound, describe_validation_error
from vocabulary.knowledge import MAX_SHORT_CHARS, Insight, InsightIn, Kind, Source, now
from vocabulary.people import Role


def _own_highlight(documents: Documents, actor, insight_id: int, *args, **kwargs) -> bool:
    """A contributor may re-tag and delete a highlight their own account made (as
    `kb.curation` lets them edit and delete their own insights)."""
    return documents.insights.get(insight_id, include_deleted=True).created_by == actor.username


class Documents:
    """The reader's documents, their speakers and highlights."""

    def __init__(
        self,
        acting: Acting,
        db: Database,
        repo: DocumentRepository,
        insights: Insights,
        curation: Curation,
        indexing: Indexing,
    ) -> None:
        self.acting = acting
        self.db = db
        self.repo = repo
        self.insights = insights
        self.curation = curation
        self.indexing = indexing

    # --- reading -----------------------------------------------------------------------------

    def documents(self, limit: int = 500) -> list[DocumentSummary]:
        """Live documents, newest first."""
        return self.repo.summaries(limit)

    def get(self, document_id: int) -> Document:
        """One live document; raises `NotFound` (a deleted one too: it says so)."""
        document = self.repo.get(document_id)
        if document is None:
            raise NotFound("document {document_id} does not exist", document_id=document_id)
        if document.deleted_at is not None:
            raise NotFound("document {document_id} was deleted", document_id=document_id)
        return document

    def spans(self, document_id: int) -> list[Span]:
        """Where the document's live insights stand, in reading order."""
        return self.repo.spans(document_id)

    def span_of(self, insight_id: int) -> Span | None:
        """Where an insight stands in its document (None: it comes from none)."""
        return self.repo.span_of(insight_id)

    def speakers_of(self, insight_ids: list[int]) -> dict[int, tuple[Speaker, bool]]:
        """Insight id -> (who said it, whether their name may be shown)."""
        return self.repo.speakers_of(insight_ids)

    # --- speakers ----------------------------------------------------------------------------

    @audited("set speakers", "document")
    @requires(Role.researcher)
    def set_speakers(
        self,
        document_id: int,
        speakers: dict[int, tuple[str | None, str]],
        names_allowed: bool | None = None,
    ) -> Document:
        """Name the speakers of a transcript and mark their roles (number -> (name, role));
        in one transaction the turns of speakers who stop being participants stop being
        insights (deleted, restorable) and those of new participants become insights."""
        document = self.get(document_id)
        known = {s.number: s for s in document.speakers}
        for number, (name, role) in speakers.items():
            if number not in known:
                raise InvalidInput("the document has no speaker {number}", number=number)
            if role not in {r.value for r in SpeakerRole}:
                raise InvalidInput("there is no speaker role {role}", role=repr(role))
            name = " ".join((name or "").split()) or None
            if name and len(name) > MAX_SHORT_CHARS:
                raise InvalidInput("a speaker's name is at most {most} characters", most=300)
        before = {s.number: s.role for s in document.speakers}
        for number, (name, role) in speakers.items():
            known[number].name = " ".join((name or "").split()) or None
            known[number].role = SpeakerRole(role)
        number_pseudonyms(document.speakers)
        participant = SpeakerRole.participant
        now_on = {n for n, s in known.items() if s.role == participant and before[n] != participant}
        now_off = {
            n for n, s in known.items() if s.role != participant and before[n] == participant
        }
        with self.db.transaction() as cur:
            self.repo.set_speakers(cur, document_id, document.speakers)
            if names_allowed is not None:
                self.repo.set_names_allowed(cur, document_id, names_allowed)
            spans = self.repo.spans(document_id, cur, include_deleted=True)
            cuts = [s for s in spans if s.origin == SpanOrigin.cut]
            gone = [s.insight_id for s in cuts if s.speaker in now_off]
            for insight_id in gone:
                self.insights.repo.set_deleted(cur, insight_id, now())
            self.indexing.remove_after_commit(gone)
            if now_on and document.text is not None:
                self._add_turns(cur, document, now_on, cuts)
        return self.get(document_id)

    def _add_turns(self, cur, document: Document, numbers: set[int], cuts: list[Span]) -> None:
        """The turns of these speakers as insights: those that were before come back, the
        others are added."""
        text = DocumentText(document.kind, document.text or "", document.segments)
        roles = {n: SpeakerRole.participant.value for n in numbers}
        placed = {(s.start, s.end): s.insight_id for s in cuts}
        back, new = [], []
        for segment, start, end in cut(text, taken_segments(text, roles)):
            if (start, end) in placed:
                back.append(placed[(start, end)])
            else:
                new.append((segment, start, end))
        for insight_id in back:
            self.insights.repo.set_deleted(cur, insight_id, None)
        missing = self.indexing.restore(back)
        self.indexing.add_afresh(cur, self.insights.repo.get_many(missing))
        if not new:
            return
        items = [
            InsightIn(
                text=text.text[start:end],
                kind=Kind.quote,
                source=Source(document.source or "interview"),
                study_id=document.study_id,
            )
            for _, start, end in new
        ]

        def record(cur, ids, created) -> None:
            by = self.acting.actor_name
            spans = [
                Span.of_cut(segment, document.id, i, start, end, by)
                for i, (segment, start, end) in zip(ids, new, strict=True)
            ]
            self.repo.add_spans(cur, spans)

        self.insights.add_batch(items, during=record)

    # --- highlights --------------------------------------------------------------------------

    def check_selection(self, selection: Selection | dict) -> tuple[Document, int, int]:
        """The document and the trimmed offsets of a selection; `InvalidInput` (nothing
        stored) for a selection that cannot be one."""
        try:
            selection = Selection.model_validate(selection)
        except ValidationError as error:
            raise describe_validation_error(error) from None
        if (
            selection.end_document_id is not None
            and selection.end_document_id != selection.document_id
        ):
            raise InvalidInput(
                "the selection runs from one document into another; select within one document"
            )
        document = self.get(selection.document_id)
        if document.text is None:
            raise InvalidInput("the text of this document was dropped by the retention rules")
        start, end = sorted((selection.start, selection.end))
        if not selection.text.strip() or start == end:
            raise InvalidInput("the selection is empty: select the words to highlight")
        if start < 0 or end > len(document.text) or document.text[start:end] != selection.text:
            raise InvalidInput(
                "the text changed since it was selected (someone redacted or edited it); "
                "select it again"
            )
        start += len(selection.text) - len(selection.text.lstrip())
        end -= len(selection.text) - len(selection.text.rstrip())
        return document, start, end

    @audited("highlight", "document", key=lambda service, result, *a, **k: result.id)
    @requires(Role.contributor)
    def highlight(
        self, selection: Selection | dict, tags: list[str] | None = None, note: str | None = None
    ) -> Insight:
        """A selected passage becomes an insight (a quote, `note` its title) whose evidence is
        its exact span: document, offsets, speaker and times. The same passage highlighted
        again (by anyone) is the same insight, its tags gaining the new ones."""
        document, start, end = self.check_selection(selection)
        text = document.text[start:end]  # type: ignore[index]
        touched = [s for s in document.segments if s.start < end and s.end > start]
        speakers = {s.speaker for s in touched}
        item = InsightIn(
            text=text,
            title=(note or "").strip() or None,
            tags=tags or [],
            kind=Kind.quote,
            source=Source(document.source or "other"),
            study_id=document.study_id,
        )
        span = Span(
            insight_id=0,
            document_id=document.id,
            start=start,
            end=end,
            segment=touched[0].number if touched else None,
            speaker=speakers.pop() if len(speakers) == 1 else None,
            started=touched[0].started if touched else None,
            ended=touched[-1].ended if touched else None,
            origin=SpanOrigin.highlight,
            created_by=self.acting.actor_name,
            created_at=now(),
        )

        def record(cur, ids, created) -> None:
            self.repo.add_spans(cur, [span.model_copy(update={"insight_id": ids[0]})])

        [(insight_id, created)] = self.insights.add_batch([item], during=record)
        if not created:  # the same passage: one insight, with everyone's tags
            return self._join(insight_id, item)
        return self.insights.get(insight_id)

    def _join(self, insight_id: int, item: InsightIn) -> Insight:
        item = self.insights.canonical_tags(item)  # a synonym lands on its tag, as on a new one
        old = self.insights.get(insight_id)
        tags = old.tags + [t for t in item.tags if t not in old.tags]
        if tags == old.tags and (old.title or not item.title):
            return old
        changes = InsightIn.model_validate(
            old.model_dump() | {"tags": tags, "title": old.title or item.title}
        )
        with self.db.transaction() as cur:
            new = old.model_copy(
                update={
                    "tags": changes.tags,
                    "title": changes.title,
                    "version": old.version + 1,
                    "updated_at": now(),
                }
            )
            self.insights.repo.update(cur, old, new, self.acting.actor_name)
        return self.insights.get(insight_id)

    @requires(Role.researcher, own=_own_highlight)
    def retag(self, insight_id: int, tags: list[str], note: str | None = None) -> Insight:
        """Change a highlight's tags and note (an edit: its history keeps the old ones; a
        contributor their own, as `kb.curation.edit` allows)."""
        old = self.insights.get(insight_id)
        changes = InsightIn.model_validate(
            old.model_dump() | {"tags": tags, "title": (note or "").strip() or None}
        )
        return self.curation.edit(insight_id, changes, expected_version=old.version)

    @requires(Role.researcher, own=_own_highlight)
    def delete_highlight(self, insight_id: int) -> None:
        """Delete a highlight's insight (restorable; a contributor their own, as
        `kb.curation.delete` allows); the reader stops marking it."""
        self.curation.delete(insight_id)

    @audited("delete", "document")
    @requires(Role.researcher)
    def delete(self, document_id: int) -> None:
        """Soft-delete a document: the reader lists it no more and takes no highlights in it
        (its insights stay)."""
        self.get(document_id)
        with self.db.transaction() as cur:
            self.repo.set_deleted(cur, document_id, now())
