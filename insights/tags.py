"""The governed tag set (`kb.tags`): tags with a group, a description and synonyms; promote,
rename, merge and delete; suggestions while tagging; the tag board.

A tag insights carry that is not in the set is a *free tag*: contributors add them freely (any
tag on Add, a quick note or an import). Researchers and admins curate the set: they promote a
free tag into it, rename a tag, merge one tag into another and delete one; every change that
moves tags on insights does it in one transaction, each insight keeping its old version in its
history, and the audit log says who did it and when. A name merged or renamed away stays as a
synonym of the tag it went to, so old links, imports and habits still land there.

A small API for other pages (the document reader tags highlights through it):
`kb.tags.canonical(["Toimitus", "deliveries"])` -> the names to store, `kb.tags.suggest(text)`
-> ranked `TagSuggestion`s with the insights behind each, `kb.tags.tag_set()` -> the set.
"""

from __future__ import annotations

from pydantic import ValidationError

from insights.acting import Acting, audited, requires
from insights.collection import Insights
from insights.rules.tagging import SEARCHED, rank_tags
from insights.tagging import TagWords
from storage.cursor import Cursor
from storage.db import Database
from storage.insights import InsightRepository
from storage.tags import TagRepository
from vocabulary.errors import InvalidInput, NotFound, describe_validation_error
from vocabulary.knowledge import Insight, SearchFilters, now
from vocabulary.people import Role
from vocabulary.tags import (
    BOARD_DIMENSIONS,
    MAX_TAG_CHARS,
    FreeTag,
    Tag,
    TagBoard,
    TagIn,
    TagSuggestion,
    tag_key,
)

SUGGESTED = 3  # tags offered for a text (benchmarks/eval_tags.py measures the top 3)


def _tag_in(tag: TagIn | dict) -> TagIn:
    try:
        return tag if isinstance(tag, TagIn) else TagIn.model_validate(tag)
    except ValidationError as error:
        raise describe_validation_error(error) from None


def _key(name: str, field: str = "name") -> str:
    key = tag_key(name or "")
    if not key:
        raise InvalidInput("{field} is empty; write the tag's name", field=field)
    return key


class Tags:
    """Verbs on the governed tag set and the tags of insights."""

    def __init__(
        self,
        acting: Acting,
        db: Database,
        repo: TagRepository,
        words: TagWords,
        insights: Insights,
        insight_repo: InsightRepository,
    ) -> None:
        self.acting = acting
        self.db = db
        self.repo = repo
        self.words = words
        self.insights = insights
        self.insight_repo = insight_repo

    # --- reading ---------------------------------------------------------------------------

    def tag_set(self) -> list[Tag]:
        """Every tag of the set, by group and name, with its synonyms and live uses."""
        return self.repo.tags()

    def tag(self, name: str) -> Tag:
        """One tag of the set by its name or a synonym; raises `NotFound`."""
        found = self.words.canonical([name])
        tag = next((t for t in self.repo.tags() if found and t.name == found[0]), None)
        if tag is None:
            raise NotFound("The tag {name} is not in the tag set.", name=tag_key(name))
        return tag

    def free_tags(self) -> list[FreeTag]:
        """Tags insights carry that the set does not hold, most used first."""
        return self.repo.free_tags()

    def groups(self) -> list[str]:
        """The groups of the set, in order."""
        return sorted({t.group for t in self.repo.tags() if t.group})

    def canonical(self, tags: list[str]) -> list[str]:
        """Tags as they would be stored: synonyms and variants by their tag's name."""
        return self.words.canonical(tags)

    def meanings(self, tags: list[str]) -> list[str]:
        """Every stored tag a filter on `tags` finds (each tag's name and synonyms)."""
        return self.words.meanings(tags)

    # --- curating the set --------------------------------------------------------------------

    @audited("create", "tag", key=lambda kb, result, *a, **k: result.name)
    @requires(Role.researcher)
    def create(self, tag: TagIn | dict) -> Tag:
        """Add a tag to the set; insights carrying one of its synonyms move onto it."""
        return self._create(_tag_in(tag))

    @audited("promote", "tag", key=lambda kb, result, *a, **k: result.name)
    @requires(Role.researcher)
    def promote(self, tag: TagIn | dict) -> Tag:
        """Take a free tag insights carry into the set, with a group, description, synonyms."""
        checked = _tag_in(tag)
        if checked.name and checked.name not in self.repo.uses():
            raise InvalidInput(
                "{field}: no insight carries the tag {name}; create it instead",
                field="name",
                name=checked.name,
            )
        return self._create(checked)

    def _create(self, tag: TagIn) -> Tag:
        _key(tag.name)
        with self.db.transaction() as cur:
            self.repo.lock(cur)
            self._check_free(cur, tag.name, "name", group=tag.group)
            self._check_synonyms(cur, tag, None)
            tag_id = self.repo.create(cur, tag, self.acting.actor_name, now())
            self._move_uses(cur, [*tag.synonyms_fi, *tag.synonyms_en], tag.name)
        return self._by_id(tag_id)

    @audited("edit", "tag", before=lambda kb, name, *a, **k: kb.tag(name).model_dump())
    @requires(Role.researcher)
    def update(self, name: str, changes: TagIn | dict) -> Tag:
        """Set a tag's group, description and Finnish and English synonyms (its name stays:
        `rename` changes it); insights carrying a new synonym move onto the tag."""
        checked = _tag_in(changes)
        with self.db.transaction() as cur:
            self.repo.lock(cur)
            tag_id, current, _group = self._find(cur, name)
            self._check_synonyms(cur, checked, current)
            self.repo.describe(cur, tag_id, checked.group, checked.description)
            self.repo.set_synonyms(cur, tag_id, checked.synonyms_fi, checked.synonyms_en)
            self._move_uses(cur, [*checked.synonyms_fi, *checked.synonyms_en], current)
        return self._by_id(tag_id)

    @audited("rename", "tag", before=lambda kb, name, *a, **k: tag_key(name))
    @requires(Role.researcher)
    def rename(self, name: str, new_name: str) -> Tag:
        """Give a tag of the set a new name; every insight carrying it follows, in one
        transaction, and the old name stays as a synonym (old links and imports land on it)."""
        new = _key(new_name, "new name")
        if len(new) > MAX_TAG_CHARS:  # as a tag of an insight (the rename writes it on them)
            raise InvalidInput(
                "{field} is too long (at most {max_length} characters); shorten it",
                field="new name",
                max_length=MAX_TAG_CHARS,
            )
        with self.db.transaction() as cur:
            self.repo.lock(cur)
            tag_id, old, group = self._find(cur, name)
            if new == old:
                raise InvalidInput("{field} is the tag's name already", field="new name")
            owner = self.repo.owner_of(cur, new)
            if owner is not None and owner != old:
                raise InvalidInput(
                    "{field}: {name} is a tag of the set already (or its synonym); merge into "
                    "it instead",
                    field="new name",
                    name=new,
                )
            self.repo.rename(cur, tag_id, new)
            self.repo.add_synonym(cur, tag_id, old)
            self._move_uses(cur, [old], new)
        return self._by_id(tag_id)

    @audited("merge", "tag", key=lambda kb, result, source, *a, **k: f"{source} -> {result.name}")
    @requires(Role.researcher)
    def merge(self, source: str, target: str) -> Tag:
        """Merge tag `source` (of the set, or a free tag) into `target` (of the set): every
        insight carrying it carries `target` instead, `source` and its synonyms become synonyms
        of `target`, and `source` leaves the set. One transaction: all of it or nothing."""
        source_key, target_key = _key(source, "tag"), _key(target, "into")
        with self.db.transaction() as cur:
            self.repo.lock(cur)
            into_id, into, _group = self._find(cur, target_key, field="into")
            merged = self.repo.find(cur, self.repo.owner_of(cur, source_key) or source_key)
            if into == (merged[1] if merged else source_key):
                raise InvalidInput(
                    "{field}: a tag cannot be merged into itself; choose another tag",
                    field="into",
                )
            if merged is None and source_key not in self.repo.uses():
                raise NotFound("No insight carries the tag {name}.", name=source_key)
            moved = [merged[1], *self._synonyms_of(merged[0])] if merged else [source_key]
            self._move_uses(cur, moved, into)
            if merged is not None:
                self.repo.move_synonyms(cur, merged[0], into_id)
                self.repo.delete(cur, merged[0])
            self.repo.add_synonym(cur, into_id, moved[0])
        return self._by_id(into_id)

    @audited("delete", "tag", before=lambda kb, name, *a, **k: kb.tag(name).model_dump())
    @requires(Role.researcher)
    def delete(self, name: str) -> None:
        """Take a tag and its synonyms out of the set; insights keep it, as a free tag."""
        with self.db.transaction() as cur:
            self.repo.lock(cur)
            tag_id, _name, _group = self._find(cur, name)
            self.repo.delete(cur, tag_id)

    # --- the checks and the moves ------------------------------------------------------------

    def _find(self, cur: Cursor, name: str, field: str = "name") -> tuple[int, str, str]:
        key = _key(name, field)
        found = self.repo.find(cur, self.repo.owner_of(cur, key) or key)
        if found is None:
            raise NotFound("The tag {name} is not in the tag set.", name=key)
        return found

    def _check_free(self, cur: Cursor, name: str, field: str, group: str = "") -> None:
        """Refuse a name the set holds already (naming its group) or one that is a synonym."""
        found = self.repo.find(cur, name)
        if found is not None:
            raise InvalidInput(
                "{field}: the tag {name} exists already in the group {group}; edit it there",
                field=field,
                name=name,
                group=found[2] or "—",
            )
        owner = self.repo.owner_of(cur, name)
        if owner is not None:
            raise InvalidInput(
                "{field}: {name} is a synonym of the tag {tag}; use that tag",
                field=field,
                name=name,
                tag=owner,
            )

    def _check_synonyms(self, cur: Cursor, tag: TagIn, current: str | None) -> None:
        """Refuse a synonym that is the tag's own name or another tag's name or synonym."""
        for synonym in [*tag.synonyms_fi, *tag.synonyms_en]:
            if synonym == (current or tag.name):
                raise InvalidInput(
                    "{field}: {name} is the tag's own name", field="synonyms", name=synonym
                )
            owner = self.repo.owner_of(cur, synonym)
            if owner is not None and owner != current:
                raise InvalidInput(
                    "{field}: {name} belongs to the tag {tag} already; merge the tags instead",
                    field="synonyms",
                    name=synonym,
                    tag=owner,
                )

    def _synonyms_of(self, tag_id: int) -> list[str]:
        return next((t.synonyms for t in self.repo.tags() if t.id == tag_id), [])

    def _move_uses(self, cur: Cursor, names: list[str], target: str) -> int:
        """Every live insight carrying one of `names` carries `target` instead (in the caller's
        unit, each keeping its old version in its history); returns how many changed."""
        names = [n for n in names if n != target]
        if not names:
            return 0
        ids = self.insight_repo.filter_ids(SearchFilters(tags=names))
        stamp, by = now(), self.acting.actor_name
        for old in self.insight_repo.get_many([int(i) for i in ids]):
            tags = list(dict.fromkeys(target if t in names else t for t in old.tags))
            new = old.model_copy(
                update={"tags": tags, "version": old.version + 1, "updated_at": stamp}
            )
            if not self.insight_repo.update(cur, old, new, by):
                raise InvalidInput(
                    "insight {insight_id} changed meanwhile; try again", insight_id=old.id
                )
        return len(ids)

    def _by_id(self, tag_id: int) -> Tag:
        return next(t for t in self.repo.tags() if t.id == tag_id)

    # --- suggestions and the board -----------------------------------------------------------

    def suggest(self, text: str, k: int = SUGGESTED, exclude: list[int] | None = None):
        """Tags for a text, best first: those of its nearest tagged insights, each with the
        insights it came from (insights/rules/tagging.py ranks them); `exclude` leaves out
        insights (the one being tagged)."""
        if not text.strip():
            return []
        skip = set(exclude or [])
        hits = [
            h
            for h in self.insights.search(text, k=SEARCHED + len(skip))
            if h.insight_id not in skip
        ]
        governed = self.words.governed()
        return [
            TagSuggestion(
                tag=tag,
                score=score,
                neighbours=[h.insight_id for h in near],
                of=of,
                governed=tag in governed,
            )
            for tag, score, near, of in rank_tags(hits, self.words.canonical)[:k]
        ]

    def board(self, dimension: str = "study", tags: list[str] | None = None) -> TagBoard:
        """Tags (rows, most used first) x the values of `dimension` (study, segment,
        journey_stage or month) as counts of live insights, each cell with its insights."""
        if dimension not in BOARD_DIMENSIONS:
            raise InvalidInput(
                "{field} must be one of {choices}",
                field="dimension",
                choices=", ".join(BOARD_DIMENSIONS),
            )
        cells = self.repo.board(dimension, self.words.meanings(tags) if tags else None)
        totals: dict[str, int] = {}
        for cell in cells:
            totals[cell.tag] = totals.get(cell.tag, 0) + cell.count
        columns = sorted({c.column for c in cells}, key=lambda c: (c == "", c))
        return TagBoard(
            dimension=dimension,
            tags=sorted(totals, key=lambda t: (-totals[t], t)),
            columns=columns,
            cells=cells,
        )

    def insights_of(self, ids: list[int]) -> list[Insight]:
        """The live insights of a board's cell, in its order."""
        return self.insight_repo.get_many(ids)
