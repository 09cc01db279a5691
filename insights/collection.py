"""The collection of insights: adding them, reading them, searching them (`kb.insights`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from pydantic import ValidationError

from insights.acting import Acting, audited, requires
from insights.runtime.indexing import Indexing
from insights.runtime.linking import BackgroundLinker, Linking
from insights.tagging import TagWords
from language import text as textlib
from language.embeddings import Embedder, embed_in_batches, embed_query
from language.pairs import evidence, is_near_duplicate, threshold
from retrieval.fusion import search_lexical_weight
from storage.db import Database
from storage.insights import InsightRepository
from storage.links import LinkRepository
from vocabulary.errors import InvalidInput, NotFound, describe_validation_error
from vocabulary.knowledge import (
    AddResult,
    Hit,
    Insight,
    InsightIn,
    InsightVersion,
    Link,
    SearchFilters,
    now,
)
from vocabulary.people import Role

Progress = Callable[[int, int], None]
StoreHook = Callable[[object, list[int], list[bool]], None]
EXPORT_LIMIT = 10_000  # insights in one export of a search result


def hits_from(repo: InsightRepository, found) -> list[Hit]:
    """Hits for index results, the insights read from the database (never an uncommitted or
    deleted one)."""
    insights = {i.id: i for i in repo.get_many([n.insight_id for n in found])}
    return [
        Hit(
            insight_id=n.insight_id,
            score=n.score,
            dense_score=n.dense,
            lexical_score=n.lexical,
            shared_score=n.shared,
            insight=insights[n.insight_id],
        )
        for n in found
        if n.insight_id in insights
    ]


class Insights:
    """Add, read and search insights."""

    def __init__(
        self,
        acting: Acting,
        db: Database,
        embedder: Embedder,
        repo: InsightRepository,
        link_repo: LinkRepository,
        indexing: Indexing,
        linking: Linking,
        linker: BackgroundLinker,
        words: TagWords | None = None,
    ) -> None:
        self.acting = acting
        self.words = words  # the governed tag set: synonyms land on their tag
        self.db = db
        self.embedder = embedder
        self.repo = repo
        self.link_repo = link_repo
        self.indexing = indexing
        self.index = indexing.index
        self.linking = linking
        self.linker = linker

    # --- adding ----------------------------------------------------------------------------

    @audited("create", "insight", key=lambda kb, result, *a, **k: result.insight.id)
    @requires(Role.contributor)
    def add(self, item: InsightIn | dict) -> AddResult:
        """Store one insight (or find it already stored) and suggest links for it."""
        if not isinstance(item, InsightIn):
            try:
                item = InsightIn.model_validate(item)
            except ValidationError as error:
                raise describe_validation_error(error) from None
        with self.index.turns.request():  # background linking waits until it is linked
            ids, created = self._store([item], None)
            if created[0]:
                self.linking.link(ids, background=False)
        insight = self.get(ids[0])
        return AddResult(insight=insight, links=self.links(insight.id), created=created[0])

    @audited(
        "create many",
        "insight",
        key=lambda kb, result, *a, **k: f"{len(result)} insights",
        together=False,
    )  # embeds in batches outside the write lock
    @requires(Role.contributor)
    def add_many(
        self, items: Iterable[InsightIn | dict], progress: Progress | None = None
    ) -> list[int]:
        """Store many insights in one transaction; returns their ids in input order.

        Items already stored (same normalised text, or same source and external id) are not
        stored again: their existing id is returned. Raises `InvalidInput` naming the first bad
        row, storing nothing.
        """
        checked = []
        for number, item in enumerate(items, start=1):
            try:
                checked.append(
                    item if isinstance(item, InsightIn) else InsightIn.model_validate(item)
                )
            except ValidationError as error:
                raise describe_validation_error(error, row=number) from None
        ids, created = self._store(checked, progress)
        self.linker.submit(i for i, new in zip(ids, created, strict=True) if new)
        return ids

    @requires(Role.contributor)
    def add_batch(
        self,
        items: list[InsightIn],
        during: StoreHook | None = None,
        progress: Progress | None = None,
    ) -> list[tuple[int, bool]]:
        """Like `add_many` for validated items, telling for each whether it was new.

        `during(cursor, ids, created)` runs inside the storing transaction, so what an importer
        records about the batch lands together with it or not at all; `progress(embedded,
        total)` follows the embedding of the new ones.
        """
        ids, created = self._store(items, progress, during)
        self.linker.submit(i for i, new in zip(ids, created, strict=True) if new)
        return list(zip(ids, created, strict=True))

    def wait_for_links(self, timeout: float | None = None) -> bool:
        """Block until the links of everything added so far are computed (False on timeout).

        `add_many` returns as soon as its insights are stored and searchable; their smoothed
        vectors and suggested links follow in the background.
        """
        return self.linker.wait(timeout)

    def canonical_tags(self, item: InsightIn) -> InsightIn:
        """`item` with its tags as the tag set stores them (a synonym or a case variant of a
        tag of the set by the tag's name)."""
        if self.words is None or not item.tags:
            return item
        tags = self.words.canonical(item.tags)
        return item if tags == item.tags else item.model_copy(update={"tags": tags})

    def widened(self, filters: SearchFilters) -> SearchFilters:
        """`filters` whose tags also find their synonyms."""
        return filters if self.words is None else self.words.filters(filters)

    def _store(
        self, items: list[InsightIn], progress: Progress | None, during: StoreHook | None = None
    ) -> tuple[list[int], list[bool]]:
        items = [self.canonical_tags(item) for item in items]
        hashes = [textlib.content_hash(i.text) for i in items]
        with self.db.read() as cur:
            by_hash, by_external = self.repo.existing(
                cur, hashes, [(i.source, i.external_id) for i in items if i.external_id]
            )
        fresh: dict[str, int] = {}  # content hash -> position in `new`
        new: list[int] = []
        for position, (item, h) in enumerate(zip(items, hashes, strict=True)):
            known = by_external.get((item.source, item.external_id)) or by_hash.get(h)
            if known is None and h not in fresh:
                fresh[h] = len(new)
                new.append(position)
        languages = {p: items[p].language or textlib.detect_language(items[p].text) for p in new}
        vectors = embed_in_batches(
            self.embedder, [items[p].text for p in new], [languages[p] for p in new], progress
        )
        if not new and during is None:
            return [
                by_external.get((i.source, i.external_id)) or by_hash[h]
                for i, h in zip(items, hashes, strict=True)
            ], [False] * len(items)
        # A rollback takes what was indexed out again (see _index): a full disk once left 300
        # phantom hits until a restart.
        return self._store_new(
            items, hashes, by_hash, by_external, fresh, new, languages, vectors, during
        )

    def _store_new(
        self, items, hashes, by_hash, by_external, fresh, new, languages, vectors, during
    ) -> tuple[list[int], list[bool]]:
        with self.db.transaction() as cur:
            new_ids = self.repo.allocate_ids(cur, len(new)) if new else []
            stamp = now()
            stored = [
                Insight(
                    **items[p].model_dump(exclude={"language"}),
                    id=i,
                    content_hash=hashes[p],
                    language=languages[p],
                    created_at=stamp,
                    updated_at=stamp,
                    created_by=self.acting.actor_name,
                )
                for p, i in zip(new, new_ids, strict=True)
            ]
            self.repo.insert(cur, stored)
            self.indexing.add(cur, stored, vectors)
            ids, created = [], []
            for position, (item, h) in enumerate(zip(items, hashes, strict=True)):
                known = by_external.get((item.source, item.external_id)) or by_hash.get(h)
                ids.append(known if known is not None else new_ids[fresh[h]])
                # only the first of several equal items in one call counts as created
                created.append(known is None and new[fresh[h]] == position)
            if during is not None:
                during(cur, ids, created)
        return ids, created

    # --- reading ---------------------------------------------------------------------------

    def get(self, insight_id: int, include_deleted: bool = False) -> Insight:
        """One insight; raises `NotFound`."""
        found = self.repo.get_many([insight_id], include_deleted=include_deleted)
        if not found or (found[0].deleted_at is not None and not self._may_see_deleted(found[0])):
            raise NotFound(
                "Insight {insight_id} does not exist or was deleted.", insight_id=insight_id
            )
        return found[0]

    def _may_see_deleted(self, insight: Insight) -> bool:
        """A deleted insight stays readable to researchers, admins and the one who added it."""
        actor = self.acting.actor
        if actor is None or actor.role in (Role.researcher, Role.admin):
            return True
        return insight.created_by == actor.username

    def browse(
        self, filters: SearchFilters | None = None, offset: int = 0, limit: int = 20
    ) -> tuple[list[Insight], int]:
        """Newest insights first, one page, with the total count."""
        return self.repo.page(self.widened(filters or SearchFilters()), offset, limit)

    def count(self) -> int:
        """Number of live insights."""
        return self.repo.count()

    def versions(self, insight_id: int) -> list[InsightVersion]:
        """Earlier versions of an insight, oldest first."""
        return self.repo.versions(insight_id)

    def search(
        self,
        query: str,
        k: int = 10,
        offset: int = 0,
        filters: SearchFilters | None = None,
        **filter_values,
    ) -> list[Hit]:
        """Hybrid search (meaning + stemmed words, English and Finnish), best first.

        Filters come as a `SearchFilters` or as keywords (`segment="SMB"`); a single value is
        treated as a one-item list.
        """
        filters = self.widened(self._filters(filters, filter_values))
        query = query.strip()
        if not query:
            return []
        language = textlib.detect_language(query)
        vector = embed_query(self.embedder, query, language)
        term_ids, weights = self.index.lexical.query_vector(textlib.query_terms(query))
        allowed = None if filters.is_empty() else self.repo.filter_ids(filters)
        weight = search_lexical_weight(language)
        concepts = self.index.text_concepts(query, language)
        found = self.index.search(
            vector, term_ids, weights, weight, k + offset, allowed, language, concepts
        )[offset:]
        return hits_from(self.repo, found)

    def similar(self, text: str, k: int = 5) -> list[tuple[Hit, bool]]:
        """Stored insights like a draft text, in any language, each with "is it a likely
        duplicate?"; only those above the language pair's link threshold (or duplicates)."""
        draft = InsightIn(text=text)
        language = textlib.detect_language(draft.text)
        found = []
        for hit in self.search(draft.text, k=k):
            duplicate = is_near_duplicate(draft.text, hit.insight, hit.dense_score, language)
            closeness = evidence(hit.dense_score, hit.shared_score)
            if duplicate or closeness >= threshold("similar", language, hit.insight.language):
                found.append((hit, duplicate))
        return found

    def related(self, insight_id: int, k: int = 5) -> list[Hit]:
        """Nearest other live insights, best first; never itself, a deleted or a rejected one."""
        if insight_id not in self.index:
            raise NotFound(
                "Insight {insight_id} does not exist or was deleted.", insight_id=insight_id
            )
        rejected = self.link_repo.rejected_partners(insight_id)
        return hits_from(self.repo, self.index.related(insight_id, k, exclude=rejected))

    @staticmethod
    def _filters(filters: SearchFilters | None, values: dict) -> SearchFilters:
        if values:
            lists = {
                k: v if isinstance(v, list | tuple) else [v]
                for k, v in values.items()
                if v is not None and k not in ("observed_from", "observed_to")
            }
            dates = {k: v for k, v in values.items() if k in ("observed_from", "observed_to")}
            try:
                extra = SearchFilters.model_validate({**lists, **dates})
            except ValidationError as error:
                raise describe_validation_error(error) from None
            base = (filters or SearchFilters()).model_dump(exclude_defaults=True)
            return SearchFilters(**{**base, **extra.model_dump(exclude_defaults=True)})
        return filters or SearchFilters()

    def filter_values(self, column: str) -> list[str]:
        """Values in use for a column, for filter choices."""
        return self.repo.distinct_values(column)

    def links(self, insight_id: int) -> list[Link]:
        """Suggested and confirmed links of an insight, with the other insight attached."""
        links = self.link_repo.for_insight(insight_id)
        others = {i.id: i for i in self.repo.get_many([link.other_id for link in links])}
        return [link.model_copy(update={"other": others.get(link.other_id)}) for link in links]

    def insights_by_id(self, ids: list[int]) -> list[Insight]:
        """Live insights with these ids, in the order given."""
        return self.repo.get_many(ids)

    def newest(self, limit: int = 10, segment: str | None = None) -> list[Insight]:
        """The newest live insights."""
        return self.repo.get_many(self.repo.newest_ids(limit, segment))

    def unlinked(self, limit: int = 5) -> tuple[list[Insight], int]:
        """The newest live insights with no confirmed or suggested link to another (once
        linking has looked at them: ones waiting for it are left out), and their number."""
        ids, total = self.link_repo.unlinked(limit)
        return self.repo.get_many(ids), total

    def export_ids(self, query: str = "", filters: SearchFilters | None = None) -> list[int]:
        """The ids of an export, in its order: the best `EXPORT_LIMIT` hits for words, else
        every insight passing the filters, newest first."""
        if query.strip():
            return [hit.insight_id for hit in self.search(query, k=EXPORT_LIMIT, filters=filters)]
        return self.repo.ordered_ids(self.widened(filters or SearchFilters()))

    def export_insights(
        self,
        query: str = "",
        filters: SearchFilters | None = None,
        fmt: str = "csv",
        limit: int = EXPORT_LIMIT,
        language: str = "en",
    ) -> bytes:
        """A search result (best first; newest first without a query) with every field and
        the ids of its confirmed and suggested links, as "csv" or "parquet" bytes. A CSV's
        headers are in `language` (the person's: fi, sv or en); Parquet keeps the field names."""
        from insights.files.exports import insights_frame, to_csv, to_parquet
        from language.interface import Interface

        if fmt not in ("csv", "parquet"):
            raise InvalidInput(f"export format must be csv or parquet, not {fmt!r}")
        found = self.repo.get_many(self.export_ids(query, filters)[:limit])
        frame = insights_frame(found, self.link_repo.partners_of([i.id for i in found]))
        return to_csv(frame, Interface(language)) if fmt == "csv" else to_parquet(frame)

    def export_stream(
        self,
        query: str = "",
        filters: SearchFilters | None = None,
        fmt: str = "csv",
        language: str = "en",
    ) -> Iterator[bytes]:
        """The same export as `export_insights`, as "csv" or "jsonl", in pieces of a few
        hundred insights (without words: every match, however many), for the HTTP API."""
        from insights.files.exports import stream
        from language.interface import Interface

        if fmt not in ("csv", "jsonl"):
            raise InvalidInput(f"export format must be csv or jsonl, not {fmt!r}")
        ids = self.export_ids(query, filters)
        return stream(
            ids,
            lambda part: (self.repo.get_many(part), self.link_repo.partners_of(part)),
            fmt,
            Interface(language),
        )
