"""Redaction (`kb.redaction`, researchers): a span selected in the reader (a name or a phone
number the scrubber missed) is masked everywhere it stands.

Every occurrence of the selected words (any case; whole words where the selection begins and
ends at a word's edge, so "itse" leaves "tarvitsette" whole) becomes as many "█" characters: in
the document's text (its length kept, so the offsets of segments and highlights hold), in every
insight's text, title and history, in quotes and evidence, in the audit log's stored states,
and in the search index (the live insights whose text changed are re-embedded and indexed
again, as an edit does). A selection that runs past an insight's span (two sentences, two
insights) also masks, in each insight holding a piece of it (its text, versions and stored
states), that piece; elsewhere only the whole selection is masked. Exports read the stored
text, so they follow. The audit entry says who redacted in which document and when, and how
many rows changed, never the words. Backups keep what they held until they rotate out
(README, Security).
"""

from __future__ import annotations

import json
import re

from pydantic import BaseModel

from insights.acting import Acting, audited, requires
from insights.documents import Documents
from insights.runtime.indexing import Indexing
from language import text as textlib
from storage.db import Database
from storage.insights import InsightRepository
from storage.privacy import TEXT_PLACES, PrivacyRepository
from vocabulary.documents import Selection
from vocabulary.errors import InvalidInput
from vocabulary.people import Role

MASK = "█"
MIN_CHARS = 2


def _bounded(text: str, start: int, end: int) -> str:
    """The pattern of `text[start:end]` wherever it stands: a selection that begins (ends) at
    a word's edge matches only at a word's edge, so redacting "itse" leaves "tarvitsette"
    whole; one that begins (ends) inside a word matches inside words too."""
    words = text[start:end]
    inside = re.compile(r"\w")
    left = bool(inside.match(words[0])) and not (start and inside.match(text[start - 1]))
    right = bool(inside.match(words[-1])) and not (end < len(text) and inside.match(text[end]))
    return (r"(?<!\w)" if left else "") + re.escape(words) + (r"(?!\w)" if right else "")


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


class RedactionReport(BaseModel):
    """What a redaction changed (never the words themselves)."""

    document_id: int
    characters: int
    rows: int
    reindexed: int


class Redaction:
    """Mask a selected span everywhere it is stored."""

    def __init__(
        self,
        acting: Acting,
        db: Database,
        documents: Documents,
        privacy: PrivacyRepository,
        insights: InsightRepository,
        indexing: Indexing,
    ) -> None:
        self.acting = acting
        self.db = db
        self.documents = documents
        self.privacy = privacy
        self.insight_repo = insights
        self.indexing = indexing

    @audited("redact", "document", key=lambda service, result, *a, **k: result.document_id)
    @requires(Role.researcher)
    def redact(self, selection: Selection | dict) -> RedactionReport:
        """Mask the selected words everywhere (see the module docstring); one transaction,
        one audit entry without the words. Raises `InvalidInput`, nothing changed, for an
        empty selection, one across documents or in a deleted one, or a text that changed."""
        document, start, end = self.documents.check_selection(selection)
        words = (document.text or "")[start:end]
        if len(words) < MIN_CHARS:
            raise InvalidInput("select at least two characters to redact")
        if words.strip(MASK + " ") == "":
            raise InvalidInput("the selection is redacted already")
        text = document.text or ""
        pieces, holders = self._pieces(document.id, text, start, end)
        whole = re.compile(_bounded(text, start, end), re.I)
        # an insight holding a piece has that piece masked too (the whole selection first);
        # elsewhere only the whole selection is, so a piece such as "Kiitos" stays elsewhere
        held = re.compile(
            "|".join(f"(?:{_bounded(text, a, b)})" for a, b in [(start, end), *pieces]), re.I
        )
        pattern = whole

        def mask(value: str) -> tuple[str, int]:
            return pattern.subn(lambda m: MASK * len(m.group()), value)

        def mask_json(value, use: re.Pattern):
            if isinstance(value, str):
                return use.subn(lambda m: MASK * len(m.group()), value)
            if isinstance(value, list):
                pairs = [mask_json(v, use) for v in value]
                return [v for v, _ in pairs], sum(n for _, n in pairs)
            if isinstance(value, dict):
                if value.get("id") in holders and "text" in value:  # a holder's stored state
                    use = held
                masked = {k: mask_json(v, use) for k, v in value.items()}
                return {k: v for k, (v, _) in masked.items()}, sum(n for _, n in masked.values())
            return value, 0

        # JSON columns may keep the words escaped ("M\u00e4kinen"): look for both spellings
        texts = [text[a:b] for a, b in [(start, end), *pieces]]
        needles = list(dict.fromkeys([n for t in texts for n in (t, json.dumps(t)[1:-1])]))
        report = RedactionReport(document_id=document.id, characters=0, rows=0, reindexed=0)
        changed_insights: list[int] = []
        with self.db.transaction() as cur:
            for place, (_, _, _, jsons) in TEXT_PLACES.items():
                for key, values in self.privacy.candidates(place, needles):
                    holds = place in ("insight", "insight version") and key[0] in holders
                    pattern = held if holds else whole
                    changes: dict[str, object] = {}
                    for column, value in values.items():
                        if not value:
                            continue
                        if isinstance(value, list):  # tags
                            pairs = [mask(str(v)) for v in value]
                            if sum(n for _, n in pairs):
                                changes[column] = [v for v, _ in pairs]
                        elif column in jsons:
                            new, count = mask_json(json.loads(value), pattern)
                            if count:
                                changes[column] = json.dumps(new, default=str)
                        else:
                            new, count = mask(value)
                            if count:
                                changes[column] = new
                    if not changes:
                        continue
                    if place == "insight":
                        changed_insights.append(key[0])
                        if "text" in changes:
                            changes["content_hash"] = textlib.content_hash(str(changes["text"]))
                    self.privacy.update_place(cur, place, key, changes)
                    report.rows += 1
            report.reindexed = self.indexing.reembed(
                cur, self.insight_repo.get_many(changed_insights)
            )
        report.characters = len(words)
        return report

    def _pieces(
        self, document_id: int, text: str, start: int, end: int
    ) -> tuple[list[tuple[int, int]], set[int]]:
        """The parts of the selection that insights of the document hold where the selection
        runs past their span (two sentences, two insights: each holds only its piece, which
        the whole selection would not match), longest first, and those insights."""
        pieces: set[tuple[int, int]] = set()
        holders: set[int] = set()
        for span in self.documents.spans(document_id):
            a, b = _trimmed(text, max(start, span.start), min(end, span.end))
            if b - a >= MIN_CHARS and (a, b) != (start, end):
                pieces.add((a, b))
                holders.add(span.insight_id)
        return sorted(pieces, key=lambda p: (p[0] - p[1], p[0])), holders
