"""Curation: what people do with links, duplicates and evidence."""

from __future__ import annotations

from pydantic import ValidationError

from insights.acting import Acting, audited, requires
from insights.collection import Insights
from insights.rules.stages import suggested_stage
from insights.runtime.indexing import Indexing
from insights.runtime.linking import Linking
from insights.suggesting import suggestions
from language import text as textlib
from language.embeddings import Embedder, embed_texts
from storage.db import Database
from storage.insights import InsightRepository
from storage.links import LinkRepository
from vocabulary.errors import (
    Changed,
    EditConflict,
    InvalidInput,
    NotFound,
    describe_validation_error,
)
from vocabulary.knowledge import (
    Evidence,
    Insight,
    InsightIn,
    LinkStatus,
    SearchFilters,
    StageSuggestion,
    Suggestion,
    now,
)
from vocabulary.people import Role


def _dump(curation: Curation, insight_id: int) -> dict:
    return curation.insights.get(insight_id, include_deleted=True).model_dump(mode="json")


def _own_insight(curation: Curation, actor, insight_id: int, *args, **kwargs) -> bool:
    """A contributor may edit an insight their own account added (by account, never by the
    free-text author name, which anyone may type)."""
    return curation.insights.get(insight_id, include_deleted=True).created_by == actor.username


class Curation:
    """What people do with insights once stored: links, merges, evidence, edits, deletes."""

    def __init__(
        self,
        acting: Acting,
        db: Database,
        embedder: Embedder,
        insights: Insights,
        repo: InsightRepository,
        link_repo: LinkRepository,
        indexing: Indexing,
        linking: Linking,
    ) -> None:
        self.acting = acting
        self.db = db
        self.embedder = embedder
        self.insights = insights
        self.repo = repo
        self.link_repo = link_repo
        self.indexing = indexing
        self.linking = linking

    @audited("confirm link", "link", key=lambda kb, r, a, b, *x, **k: f"{a}-{b}")
    @requires(Role.researcher)
    def confirm_link(self, insight_id: int, other_id: int, by: str | None = None) -> None:
        """A person says the two insights are related."""
        self._decide(insight_id, other_id, LinkStatus.confirmed, self.acting.who(by))

    @audited("reject link", "link", key=lambda kb, r, a, b, *x, **k: f"{a}-{b}")
    @requires(Role.researcher)
    def reject_link(self, insight_id: int, other_id: int, by: str | None = None) -> None:
        """A person says they are not related: never suggested again."""
        self._decide(insight_id, other_id, LinkStatus.rejected, self.acting.who(by))

    def _decide(self, a: int, b: int, status: LinkStatus, by: str | None) -> None:
        if a == b:
            raise InvalidInput("An insight cannot be linked to itself.", field="other_id")
        self.insights.get(a)
        self.insights.get(b)
        with self.db.transaction() as cur:
            self.link_repo.decide(cur, a, b, status, by)

    @audited(
        "merge",
        "insight",
        key=lambda kb, r, keep, dup, *a, **k: dup,
        before=lambda kb, keep, dup, *a, **k: _dump(kb, dup),
    )
    @requires(Role.researcher)
    def merge(self, keep_id: int, duplicate_id: int, by: str | None = None) -> Insight:
        """Merge a duplicate into the insight kept: its text becomes evidence of the kept one,
        the duplicate is soft-deleted (restorable) and the pair is marked confirmed."""
        if keep_id == duplicate_id:
            raise InvalidInput("An insight cannot be merged into itself.", field="duplicate_id")
        kept = self.insights.get(keep_id)
        duplicate = self.insights.get(duplicate_id)
        evidence = InsightIn(
            text=duplicate.text,
            source=duplicate.source,
            author=duplicate.author,
            observed_at=duplicate.observed_at,
        )
        with self.db.transaction() as cur:
            self.repo.add_evidence(cur, kept.id, evidence, duplicate.content_hash)
            self.link_repo.decide(
                cur, kept.id, duplicate.id, LinkStatus.confirmed, self.acting.who(by)
            )
            self.repo.set_deleted(cur, duplicate.id, now())
            self.indexing.remove_after_commit([duplicate.id])
        return kept

    @audited("add evidence", "insight")
    @requires(Role.contributor)
    def add_evidence(self, insight_id: int, item: InsightIn) -> int:
        """Attach a text to an existing insight as further evidence instead of a new insight."""
        self.insights.get(insight_id)
        with self.db.transaction() as cur:
            return self.repo.add_evidence(cur, insight_id, item, textlib.content_hash(item.text))

    def evidence(self, insight_id: int) -> list[Evidence]:
        """Evidence attached to an insight."""
        return self.repo.evidence(insight_id)

    @audited("edit", "insight", before=lambda kb, insight_id, *a, **k: _dump(kb, insight_id))
    @requires(Role.researcher, own=_own_insight)
    def edit(
        self,
        insight_id: int,
        changes: InsightIn,
        by: str | None = None,
        expected_version: int | None = None,
    ) -> Insight:
        """Replace an insight's content; the old version stays in its history.

        `expected_version` is the version the person started from (what their form loaded):
        when someone else saved a newer one meanwhile, the edit raises `EditConflict` (naming
        who changed it and when) and stores nothing. Without it, the edit replaces whatever
        version is stored (the behaviour of earlier releases: the last save wins). Either way
        the compare and the write are one step (insights/rules/conflicts.py has the merge to offer).
        """
        return self._replace_content(insight_id, changes, self.acting.who(by), expected_version)

    def _replace_content(
        self,
        insight_id: int,
        changes: InsightIn,
        by: str | None,
        expected_version: int | None = None,
    ) -> Insight:
        changes = self.insights.canonical_tags(changes)
        new_hash = textlib.content_hash(changes.text)
        with self.db.transaction() as cur:
            old = self.insights.get(insight_id)  # inside the unit: the version it writes over
            if expected_version is not None and old.version != expected_version:
                raise self._conflict({insight_id: expected_version})
            new = Insight(
                **changes.model_dump(exclude={"language"}),
                id=old.id,
                content_hash=new_hash,
                language=changes.language or textlib.detect_language(changes.text),
                version=old.version + 1,
                created_at=old.created_at,
                updated_at=now(),
                created_by=old.created_by,
            )
            if not self.repo.update(cur, old, new, by):  # another process saved in between
                raise self._conflict({insight_id: expected_version or old.version})
            if new_hash != old.content_hash:
                self.indexing.add(
                    cur, [new], embed_texts(self.embedder, [new.text], [new.language])
                )
        if new_hash != old.content_hash:
            self.linking.link([insight_id], background=False)
        return self.insights.get(insight_id)

    def _conflict(self, expected: dict[int, int]) -> EditConflict:
        """The refusal for edits begun from versions (id -> version) that moved on."""
        current = self.repo.current_versions(list(expected))
        changed = []
        for insight_id, version in expected.items():
            now_at = current.get(insight_id, version)
            if now_at == version:
                continue
            who, when = self.repo.last_edit(insight_id, now_at)
            changed.append(Changed(insight_id, version, now_at, who, when))
        if not changed:  # moved on and back within the moment of the check: say so all the same
            changed = [Changed(i, v, v, None, None) for i, v in expected.items()][:1]
        return EditConflict(changed)

    @audited("delete", "insight", before=lambda kb, insight_id, *a, **k: _dump(kb, insight_id))
    @requires(Role.researcher, own=_own_insight)
    def delete(self, insight_id: int) -> None:
        """Soft-delete: hidden everywhere, restorable."""
        self.insights.get(insight_id)
        with self.db.transaction() as cur:
            self.repo.set_deleted(cur, insight_id, now())
            self.indexing.remove_after_commit([insight_id])

    @audited("restore", "insight")
    @requires(Role.admin)
    def restore(self, insight_id: int) -> Insight:
        """Bring a soft-deleted insight back."""
        insight = self.insights.get(insight_id, include_deleted=True)
        with self.db.transaction() as cur:
            self.repo.set_deleted(cur, insight_id, None)
            if self.indexing.restore([insight_id]):  # deleted before this process opened it
                self.indexing.add_afresh(cur, [insight])
        self.linking.link([insight_id], background=False)
        return self.insights.get(insight_id)

    @audited(
        "restore version", "insight", before=lambda kb, insight_id, *a, **k: _dump(kb, insight_id)
    )
    @requires(Role.admin)
    def restore_version(self, insight_id: int, version: int) -> Insight:
        """Make an earlier version the current one again (as a new version: nothing is lost)."""
        earlier = next(
            (v for v in self.insights.versions(insight_id) if v.version == version), None
        )
        if earlier is None:
            raise NotFound(
                "Insight {insight_id} has no earlier version {version}.",
                insight_id=insight_id,
                version=version,
            )
        return self._replace_content(insight_id, earlier.data, self.acting.actor_name)

    @audited("bulk edit", "insight", key=lambda kb, result, ids, *a, **k: ",".join(map(str, ids)))
    @requires(Role.researcher)
    def bulk_edit(
        self,
        insight_ids: list[int],
        segment: str | None = None,
        touchpoint: str | None = None,
        journey_stage: str | None = None,
        add_tags: list[str] | None = None,
        remove_tags: list[str] | None = None,
        expected_versions: dict[int, int] | None = None,
    ) -> int:
        """Set segment, touchpoint and/or journey stage, add and remove tags on many insights
        at once (None leaves a field as it is), in one transaction, each keeping its old version
        in its history; returns how many changed.

        Tags are applied as a change to each insight's tags as stored (these added, those
        removed), never as a replacement list. `expected_versions` (id -> the version the
        person saw when choosing them) refuses the whole edit with `EditConflict`, naming every
        insight changed meanwhile, when any of them moved on; nothing of it is stored. Without
        it, the edit applies to the versions stored (as in earlier releases)."""
        values = {"segment": segment, "touchpoint": touchpoint, "journey_stage": journey_stage}
        values = {k: " ".join(v.split()) for k, v in values.items() if v is not None and v.strip()}
        tags = self.insights.canonical_tags(InsightIn(text="-", tags=add_tags or [])).tags
        dropped = {t.strip().lower() for t in remove_tags or [] if t.strip()}
        dropped |= set(self.insights.canonical_tags(InsightIn(text="-", tags=list(dropped))).tags)
        if not values and not tags and not dropped:
            raise InvalidInput("choose a value to set or a tag to add or remove")
        expected = {int(i): int(v) for i, v in (expected_versions or {}).items()}
        with self.db.transaction() as cur:  # read, compare and write as one unit
            stored = self.repo.get_many(list(dict.fromkeys(insight_ids)))
            if any(expected.get(i.id, i.version) != i.version for i in stored):
                raise self._conflict({i.id: expected[i.id] for i in stored if i.id in expected})
            changed = []
            for insight in stored:
                data = insight.model_dump(include=set(InsightIn.model_fields)) | values
                data["tags"] = [
                    t for t in dict.fromkeys([*insight.tags, *tags]) if t not in dropped
                ]
                new = self._bulk_version(insight, data)
                if new is not None:
                    changed.append((insight, new))
            for old, new in changed:
                if not self.repo.update(cur, old, new, self.acting.actor_name):
                    raise self._conflict({old.id: expected.get(old.id, old.version)})
        return len(changed)

    @staticmethod
    def _bulk_version(insight: Insight, data: dict) -> Insight | None:
        """The next version of an insight with `data` (validated), None when nothing changes."""
        try:
            checked = InsightIn.model_validate(data)
        except ValidationError as error:
            raise describe_validation_error(error) from None
        current = InsightIn.model_validate(insight.model_dump(include=set(InsightIn.model_fields)))
        if checked.model_dump() == current.model_dump():
            return None
        update = checked.model_dump(exclude={"language"}) | {"language": insight.language}
        return insight.model_copy(
            update=update | {"version": insight.version + 1, "updated_at": now()}
        )

    def suggest_stage(self, insight_id: int, k: int = 7) -> StageSuggestion | None:
        """A journey stage for an insight without one: the stage its two nearest insights that
        have a stage share, both on its subject (insights/rules/stages.py); None when there
        are not two such neighbours or they disagree."""
        insight = self.insights.get(insight_id)
        if insight.journey_stage:
            return None
        stages = [s for s in self.insights.filter_values("journey_stage") if s]
        if not stages:
            return None
        hits = self.insights.search(
            insight.text, k=k + 1, filters=SearchFilters(journey_stage=stages)
        )
        found = suggested_stage([h for h in hits if h.insight_id != insight_id], k)
        if found is None:
            return None
        stage, agreeing, looked_at = found
        return StageSuggestion(
            stage=stage, neighbours=[h.insight_id for h in agreeing], of=looked_at
        )

    def suggest(self, insight_id: int) -> list[Suggestion]:
        """Values for the empty fields of an insight (a quick note), each with why: the
        person's team and usual segment, today, the sentiment, and the stage, segment,
        touchpoint and tags its nearest similar insights agree on (insights/suggesting.py)."""
        insight = self.insights.get(insight_id)
        stage = self.suggest_stage(insight_id)
        return suggestions(self.insights, self.repo, self.acting.actor, insight, stage)
