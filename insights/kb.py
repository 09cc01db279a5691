"""KnowledgeBase: the one door to Oivallus for pages, ingest, the CLI, tests and benchmarks."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
from pydantic import ValidationError

from insights import text as textlib
from insights.analysis import AnalysisMixin
from insights.backlog import BacklogMixin
from insights.catalog import CatalogMixin
from insights.curation import CurationMixin
from insights.embeddings import (
    EMBED_BATCH,
    Embedder,
    default_embedder,
    embed_in_batches,
    embed_texts,
)
from insights.errors import describe_validation_error
from insights.imports import ImportsMixin
from insights.inbox import InboxMixin
from insights.linker import BackgroundLinker
from insights.linking import HybridIndex
from insights.models import AddResult, Insight, InsightIn, now
from insights.pairs import is_near_duplicate, suggests_link
from insights.people import PeopleMixin, audited, requires
from insights.reading import ReadingMixin
from insights.records import Role
from insights.search import limit_blas_threads
from insights.signin import SignIn
from insights.themes import ThemesMixin
from storage.analysis import AnalysisRepository
from storage.backlog import BacklogRepository
from storage.catalog import CatalogRepository
from storage.db import Database
from storage.imports import ImportRepository
from storage.inbox import InboxRepository
from storage.insights import InsightRepository
from storage.links import LinkRepository
from storage.people import PeopleRepository
from storage.sessions import SessionRepository
from storage.themes import ThemeRepository
from storage.vectors import EmbeddingRepository

Progress = Callable[[int, int], None]
StoreHook = Callable[[object, list[int], list[bool]], None]
SUGGESTIONS_PER_INSIGHT = 5
LINK_BLOCK = 256


class KnowledgeBase(
    CatalogMixin,
    CurationMixin,
    BacklogMixin,
    ImportsMixin,
    ThemesMixin,
    AnalysisMixin,
    PeopleMixin,
    InboxMixin,
    ReadingMixin,
):
    """Insights stored in DuckDB, indexed in memory for hybrid search and linking.

    Open with `KnowledgeBase.open(path)`; every method is safe to call from several threads.
    """

    def __init__(self, db: Database, embedder: Embedder, progress: Progress | None = None) -> None:
        self.db = db
        self.embedder = embedder
        self.insights = InsightRepository(db)
        self.vectors = EmbeddingRepository(db)
        self.links_repo = LinkRepository(db)
        self.catalog = CatalogRepository(db)
        self.backlog_repo = BacklogRepository(db)
        self.imports_repo = ImportRepository(db)
        self.themes_repo = ThemeRepository(db)
        self.analysis = AnalysisRepository(db)
        self.people = PeopleRepository(db)
        self.inbox_repo = InboxRepository(db)
        self.sessions_repo = SessionRepository(db)
        self.signin = SignIn(self.people, self.sessions_repo)
        self._caches: dict = {}  # shared with the views of acting_as
        self.imports_repo.mark_interrupted()
        self.index = HybridIndex(
            embedder.dim, getattr(embedder, "pair_scale", 1.0), getattr(embedder, "normalise", None)
        )
        self.linker = BackgroundLinker(self._link)
        limit_blas_threads()
        textlib.detect_language("warm up")  # load the language model now, not in the first add
        self._reembed_stale(progress)
        self._load_index()
        self.linker.submit(self.insights.unlinked_ids())

    @classmethod
    def open(
        cls, path: str | Path, embedder: Embedder | None = None, progress: Progress | None = None
    ) -> KnowledgeBase:
        """Open (creating or migrating) a knowledge base file.

        Args:
            path: the DuckDB file.
            embedder: any `Embedder`; default: $OIVALLUS_MODEL (sentence-transformers) when set,
                else the bundled Finnish-English embedder (insights/bilingual.py).
            progress: called as (done, total) while vectors of a changed model are recomputed.
        """
        return cls(Database(path), embedder or default_embedder(), progress)

    def close(self) -> None:
        """Stop background linking (unfinished work resumes at the next open) and close."""
        self.linker.stop()
        self.db.close()

    # --- opening -------------------------------------------------------------------------

    def _reembed_stale(self, progress: Progress | None) -> None:
        stale = self.vectors.stale(self.embedder.model_id)
        for start in range(0, len(stale), EMBED_BATCH):
            batch = stale[start : start + EMBED_BATCH]
            vectors = embed_texts(
                self.embedder, [t for _, t, _, _ in batch], [lang for *_, lang in batch]
            )
            with self.db.transaction() as cur:
                # Smoothed vectors and links follow in the background once the index is loaded.
                self.insights.mark_linked(cur, [i for i, *_ in batch], None)
                self.vectors.upsert(
                    cur,
                    self.embedder.model_id,
                    [i for i, *_ in batch],
                    [h for _, _, h, _ in batch],
                    vectors,
                    vectors,
                )
            if progress:
                progress(min(start + EMBED_BATCH, len(stale)), len(stale))

    def _load_index(self) -> None:
        self.index.reserve(self.insights.count() + 1024)
        for chunk in self.vectors.iter_index(self.embedder.model_id):
            terms = [
                textlib.lexical_terms(t, lang)
                for t, lang in zip(chunk.texts, chunk.languages, strict=True)
            ]
            self.index.add(
                chunk.ids.tolist(), chunk.vectors, chunk.languages, terms, chunk.smoothed, bulk=True
            )
        self.index.compact()

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
        ids, created = self._store([item], None)
        if created[0]:
            self._link(ids)
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

    def _store(
        self, items: list[InsightIn], progress: Progress | None, during: StoreHook | None = None
    ) -> tuple[list[int], list[bool]]:
        hashes = [textlib.content_hash(i.text) for i in items]
        with self.db.read() as cur:
            by_hash, by_external = self.insights.existing(
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
            new_ids = self.insights.allocate_ids(cur, len(new)) if new else []
            stamp = now()
            stored = [
                Insight(
                    **items[p].model_dump(exclude={"language"}),
                    id=i,
                    content_hash=hashes[p],
                    language=languages[p],
                    created_at=stamp,
                    updated_at=stamp,
                    created_by=self.actor_name,
                )
                for p, i in zip(new, new_ids, strict=True)
            ]
            self.insights.insert(cur, stored)
            self._index(cur, stored, vectors)
            ids, created = [], []
            for position, (item, h) in enumerate(zip(items, hashes, strict=True)):
                known = by_external.get((item.source, item.external_id)) or by_hash.get(h)
                ids.append(known if known is not None else new_ids[fresh[h]])
                # only the first of several equal items in one call counts as created
                created.append(known is None and new[fresh[h]] == position)
            if during is not None:
                during(cur, ids, created)
        return ids, created

    def _index(self, cur, stored: list[Insight], vectors: np.ndarray) -> None:
        """Store vectors and index insights inside the caller's transaction. The rows enter
        the index at once (the unit's own links need them) and leave it again if the unit
        rolls back; hits are read from the database, so nobody sees them before the commit."""
        if not stored:
            return
        ids = [s.id for s in stored]
        terms = [textlib.lexical_terms(s.text, s.language) for s in stored]
        self.index.add(ids, vectors, [s.language for s in stored], terms)
        self.db.on_rollback(lambda: self._drop_from_index(ids))
        hashes = [s.content_hash for s in stored]
        # The raw vectors stand in for the smoothed ones until _link computes those.
        self.vectors.upsert(cur, self.embedder.model_id, ids, hashes, vectors, vectors)

    def _drop_from_index(self, ids) -> None:
        for insight_id in ids:
            if insight_id in self.index.row_of:
                self.index.remove(insight_id)

    def _unindex(self, ids) -> None:
        """Take insights out of search once the open unit of work has committed."""
        ids = list(ids)
        self.db.after_commit(lambda: self._drop_from_index(ids))

    def _reindex(self, ids) -> None:
        """Put known (soft-deleted) insights back into search now; out again on rollback."""
        ids = [i for i in ids if i in self.index.row_of]
        for insight_id in ids:
            self.index.restore(insight_id)
        self.db.on_rollback(lambda: self._drop_from_index(ids))

    def _link(self, ids: list[int]) -> None:
        """Smooth the vectors of these insights, then suggest their links, in blocks."""
        ids = [i for i in ids if i in self.index]
        if not ids:
            return
        smoothed = dict(zip(ids, self.index.refine(ids, background=True), strict=True))
        for start in range(0, len(ids), LINK_BLOCK):
            block = ids[start : start + LINK_BLOCK]
            neighbours = self.index.related_many(block, SUGGESTIONS_PER_INSIGHT, background=True)
            wanted = set(block) | {n.insight_id for found in neighbours for n in found}
            insights = {i.id: i for i in self.insights.get_many(list(wanted))}
            suggestions = []
            for insight_id, found in zip(block, neighbours, strict=True):
                insight = insights.get(insight_id)
                for n in found:
                    other = insights.get(n.insight_id)
                    if insight is None or other is None:
                        continue
                    duplicate = is_near_duplicate(insight.text, other, n.dense, insight.language)
                    if duplicate or suggests_link(
                        n.score, n.dense, insight.language, other.language
                    ):
                        suggestions.append((insight_id, n.insight_id, n.score, duplicate))
            with self.db.transaction() as cur:
                vectors = np.stack([smoothed[i] for i in block])
                self.vectors.set_smoothed(cur, self.embedder.model_id, block, vectors)
                self.links_repo.suggest(cur, suggestions)
                self._match_new_insights(
                    cur,
                    block,
                    self.index.raw_vectors(block),
                    [insights[i].language if i in insights else "en" for i in block],
                )
                self.insights.mark_linked(cur, block, now())
