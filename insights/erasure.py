"""Erasure requests (`kb.erasure`, admins only): find everything that mentions a person, then
replace each mention with "[erased]".

An admin gives a name, an e-mail address, a phone number or a customer id. `find` lists every
mention with its snippet: insight texts, titles, authors and source addresses (deleted
insights too; an address left no web address is dropped), their
version history, evidence and quotes, backlog questions (text, decision, answer, reason) and
their status notes, import history (file names, paths), the documents kept for the reader
(their text masked with "█", its length kept; headings, speakers' names and labels) and the
audit log's stored states; for a
customer id also the customer records and survey answers keyed by its pseudonym. Names match in
any inflected Finnish form through Voikko's base forms ("Virtanen" finds "Virtaselle"); a full
name ("Anna Virtanen") matches by its surname, taking the first name along where it stands just
before it.

`erase` then, in one transaction with one audit entry: replaces the mentions, re-embeds and
re-indexes the live insights whose text changed (as an edit does), deletes the customer's
records, unlinks their survey answers from them (the scores still count, anonymous), and
deletes the raw files of the imports that brought in a mentioning insight. The audit entry
names who, when, the kind of identifier and the counts, and the identifier only as a keyed
hash. Backups are not touched (README, Security).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re

from pydantic import BaseModel

from insights.acting import Acting, audited, requires
from insights.files.rawfiles import delete_raw_file
from insights.metrics import customer_key
from insights.runtime.indexing import Indexing
from language import person_names
from language import text as textlib
from readers.pii import pseudonym
from storage.db import Database
from storage.insights import InsightRepository
from storage.people import PeopleRepository
from storage.privacy import TEXT_PLACES, PrivacyRepository
from vocabulary.errors import InvalidInput, InvalidValue
from vocabulary.knowledge import check_source_url, now
from vocabulary.people import Role

ERASED = "[erased]"
KINDS = ("name", "email", "phone", "customer")
_PHONE = re.compile(r"\+?\d[\d \-()]{5,}\d")
SNIPPET = 60


class Mention(BaseModel):
    """One place that mentions the person."""

    place: str  # a kind of TEXT_PLACES: "insight", "insight version", "question", ...
    key: list
    field: str
    snippet: str


class ErasurePlan(BaseModel):
    """What an erasure request would change."""

    kind: str
    mentions: list[Mention]
    customer_records: int = 0
    survey_responses: int = 0
    raw_files: int = 0


class ErasureReport(BaseModel):
    """What an erasure did (no identifier in it, only its keyed hash)."""

    kind: str
    identifier_hash: str
    rows: int  # rows whose text changed
    mentions: int
    reindexed: int
    customer_records: int
    survey_responses: int
    raw_files: int


def _digits(text: str) -> str:
    digits = re.sub(r"\D", "", text)
    return "0" + digits[3:] if text.strip().startswith("+358") else digits


def _like_prefix(word: str) -> str:
    """The part of a Finnish name that its inflected forms keep (consonant gradation and
    -nen/-se change the end): "Virtanen" -> "virt", "Satu" -> "sa"."""
    lower = word.lower().removesuffix("nen")
    stem = lower.rstrip("aeiouyäö")
    stem = stem.rstrip("bcdfghjklmnpqrstvwxzšž") or lower
    return stem if len(stem) >= 2 else lower[:2]


def _web_address(value: object) -> object:
    """A source address as an erasure leaves it: None once it is no web address any more
    ("https://[erased].example.com"), so the insight and its versions still read."""
    try:
        return check_source_url(value) if isinstance(value, str) else value
    except InvalidValue:
        return None


def _addresses_kept(place: str, changes: dict[str, object]) -> dict[str, object]:
    """`changes` with an insight's erased source address (its row's or a version's) dropped
    where it is no web address any more."""
    if place == "insight" and "source_url" in changes:
        changes["source_url"] = _web_address(changes["source_url"])
    if place == "insight version" and isinstance(changes.get("data"), str):
        data = json.loads(str(changes["data"]))
        if isinstance(data, dict) and data.get("source_url"):
            data["source_url"] = _web_address(data["source_url"])
            changes["data"] = json.dumps(data, default=str)
    return changes


class Matcher:
    """Where one identifier stands in a text."""

    def __init__(self, identifier: str, kind: str) -> None:
        if kind not in KINDS:
            raise InvalidInput(
                "the kind must be one of {kinds}", field="kind", kinds=", ".join(KINDS)
            )
        identifier = " ".join(identifier.split())
        if len(identifier) < 2:
            raise InvalidInput("give the name, e-mail, phone or id to look for", field="identifier")
        self.kind, self.identifier = kind, identifier
        words = re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", identifier)
        if kind == "name" and not words:
            raise InvalidInput("a name needs letters", field="identifier")
        if kind == "name":
            self.last = person_names.target_forms(words[-1])
            self.first = person_names.target_forms(" ".join(words[:-1])) if words[1:] else None
            self.patterns = [_like_prefix(words[-1])]
        elif kind == "phone":
            self.digits = _digits(identifier)
            if len(self.digits) < 6:
                raise InvalidInput("a phone number has at least 6 digits", field="identifier")
            self.patterns = [self.digits[-2:]]
        else:
            self.literal = re.compile(rf"(?<![\w.@-]){re.escape(identifier)}(?![\w@-])", re.I)
            self.patterns = [identifier]

    def spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of each mention in `text`, in order."""
        if self.kind == "name":
            found = []
            words = person_names.words(text)
            for i, word in enumerate(words):
                if not person_names.matches(word.text, self.last):
                    continue
                start = word.start
                before = words[i - 1] if i else None
                if (
                    self.first
                    and before
                    and not text[before.end : word.start].strip()
                    and person_names.matches(before.text, self.first)
                ):
                    start = before.start
                found.append((start, word.end))
            return found
        if self.kind == "phone":
            return [m.span() for m in _PHONE.finditer(text) if _digits(m.group()) == self.digits]
        return [m.span() for m in self.literal.finditer(text)]

    def replace(self, text: str) -> tuple[str, int]:
        """The text with each mention replaced by ERASED, and how many there were."""
        spans = self.spans(text)
        for start, end in reversed(spans):
            text = text[:start] + ERASED + text[end:]
        return text, len(spans)

    def mask(self, text: str) -> tuple[str, int]:
        """The text with each mention masked by as many "█" (a document's text keeps its
        length, so the offsets of its segments and highlights hold)."""
        spans = self.spans(text)
        for start, end in reversed(spans):
            text = text[:start] + "█" * (end - start) + text[end:]
        return text, len(spans)

    def replace_tag(self, tag: str) -> tuple[str, int]:
        """`replace` for a tag, which the app keeps in lower case: a name is also looked for
        capitalised ("virtanen" is Virtanen)."""
        found = self.replace(tag)
        if found[1] or self.kind != "name":
            return found
        capital, count = self.replace(tag[:1].upper() + tag[1:])
        return (capital, count) if count else found

    def replace_json(self, value):
        """The same inside every string of a JSON value; (value, count)."""
        if isinstance(value, str):
            return self.replace(value)
        if isinstance(value, list):
            pairs = [self.replace_json(v) for v in value]
            return [v for v, _ in pairs], sum(n for _, n in pairs)
        if isinstance(value, dict):
            pairs = {k: self.replace_json(v) for k, v in value.items()}
            return {k: v for k, (v, _) in pairs.items()}, sum(n for _, n in pairs.values())
        return value, 0


def _snippet(text: str, span: tuple[int, int]) -> str:
    start, end = max(0, span[0] - SNIPPET), min(len(text), span[1] + SNIPPET)
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")


class Erasure:
    """Erasure requests: find a person's mentions, then erase them."""

    def __init__(
        self,
        acting: Acting,
        db: Database,
        repo: PrivacyRepository,
        people: PeopleRepository,
        insights: InsightRepository,
        indexing: Indexing,
    ) -> None:
        self.acting = acting
        self.db = db
        self.repo = repo
        self.people = people
        self.insight_repo = insights
        self.indexing = indexing

    def _changes(self, matcher: Matcher):
        """(place, key, {column: new value}, [mentions]) of every row that mentions them."""
        for place, (_, _, _, jsons) in TEXT_PLACES.items():
            for key, values in self.repo.candidates(place, matcher.patterns):
                changes: dict[str, object] = {}
                mentions = []
                for column, value in values.items():
                    if not value:
                        continue
                    if isinstance(value, list):  # tags: each item on its own
                        replaced = [matcher.replace_tag(str(item)) for item in value]
                        count = sum(n for _, n in replaced)
                        if count:
                            changes[column] = [text for text, _ in replaced]
                        value = ", ".join(map(str, value))  # for the snippets below
                    elif column in jsons:
                        new, count = matcher.replace_json(json.loads(value))
                        if count:
                            changes[column] = json.dumps(new, default=str)
                    else:
                        offsets_kept = place == "document" and column == "text"
                        new, count = (matcher.mask if offsets_kept else matcher.replace)(value)
                        if count:
                            changes[column] = new
                    if count:
                        snippets = [_snippet(value, s) for s in matcher.spans(value)] or [""]
                        mentions += [
                            Mention(place=place, key=list(key), field=column, snippet=snippet)
                            for snippet in snippets
                        ]
                if changes:
                    yield place, key, _addresses_kept(place, changes), mentions

    def _raw_files(self, found: list) -> list[tuple[int, str | None]]:
        """Imports holding a raw file with the mentions: those named, and those that brought in
        an insight that mentions them now or did in an earlier version."""
        insights = [k[0] for place, k, _, _ in found if place in ("insight", "insight version")]
        imports = [k[0] for place, k, _, _ in found if place == "import"]
        return self.repo.imports_of(insights, imports) if insights or imports else []

    def _pseudonym(self, matcher: Matcher) -> str | None:
        if matcher.kind != "customer":
            return None
        return pseudonym(matcher.identifier, customer_key(self.people))

    @requires(Role.admin)
    def find(self, identifier: str, kind: str) -> ErasurePlan:
        """Every mention of a person (see the module docstring), nothing changed yet."""
        matcher = Matcher(identifier, kind)
        found = list(self._changes(matcher))
        plan = ErasurePlan(kind=kind, mentions=[m for *_, ms in found for m in ms])
        plan.raw_files = len(self._raw_files(found))
        name = self._pseudonym(matcher)
        if name:
            plan.customer_records, plan.survey_responses = self.repo.customer_rows(name)
        return plan

    def identifier_hash(self, identifier: str) -> str:
        """The identifier as the audit log keeps it: a keyed hash, never in clear text."""
        normal = " ".join(identifier.split()).casefold()
        key = customer_key(self.people)
        return hmac.new(key, b"erasure:" + normal.encode(), hashlib.sha256).hexdigest()[:24]

    @audited("erase", "person", key=lambda service, result, *a, **k: result.identifier_hash)
    @requires(Role.admin)
    def erase(self, identifier: str, kind: str) -> ErasureReport:
        """Replace every mention of a person with "[erased]" and delete their customer records
        (one transaction, one audit entry without the identifier)."""
        matcher = Matcher(identifier, kind)
        found = list(self._changes(matcher))
        report = ErasureReport(
            kind=kind,
            identifier_hash=self.identifier_hash(identifier),
            rows=len(found),
            mentions=sum(len(ms) for *_, ms in found),
            reindexed=0,
            customer_records=0,
            survey_responses=0,
            raw_files=0,
        )
        insight_ids = [key[0] for place, key, _, _ in found if place == "insight"]
        files = self._raw_files(found)
        with self.db.transaction() as cur:
            for place, key, changes, _ in found:
                if place == "insight" and "text" in changes:
                    changes["content_hash"] = textlib.content_hash(changes["text"])
                self.repo.update_place(cur, place, key, changes)
            report.reindexed = self.indexing.reembed(cur, self.insight_repo.get_many(insight_ids))
            name = self._pseudonym(matcher)
            if name:
                report.customer_records, report.survey_responses = self.repo.customer_rows(name)
                self.repo.erase_customer(cur, name)
            if files:
                self.repo.drop_import_files(cur, [i for i, _ in files], now())
            for _, path in files:
                if path:
                    report.raw_files += delete_raw_file(path)
        return report
