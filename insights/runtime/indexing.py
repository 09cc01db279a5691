"""The in-memory search index kept in step with the database (see storage.db's unit of work).

Rows a unit of work adds enter the index at once (the unit's own links need them) and leave it
again if the unit rolls back; removals wait for the commit. Hits are always read from the
database, so nobody sees an uncommitted insight.
"""

from __future__ import annotations

import hashlib
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import numpy as np

from language import text as textlib
from language.embeddings import EMBED_BATCH, Embedder, embed_in_batches, embed_texts
from language.lexicon import default_lexicon
from retrieval import ann
from retrieval.dense import release_freed_memory
from retrieval.hybrid import HybridIndex
from retrieval.lexical import LexicalIndex
from retrieval.snapshot import SavedLexicon, row_keys, save_lexicon
from storage.cursor import Cursor
from storage.db import Database
from storage.insights import InsightRepository
from storage.vectors import EmbeddingRepository
from vocabulary.knowledge import Insight
from vocabulary.settings import data_dir_for, is_postgres

Progress = Callable[[int, int], None]
_DONE = object()


def read_ahead(items: Iterable, depth: int = 2) -> Iterator:
    """The items of `items`, each read by a thread of its own while the one before is used.

    At open the database's read of the next chunk of vectors (DuckDB and psycopg let go of the
    GIL meanwhile) overlaps the quantising and indexing of this one: a million 768-d vectors
    took 40 s to read and 30 s to index one after the other.
    """
    ahead: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        ahead.put(item, timeout=0.5)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            ahead.put(_DONE)
        except BaseException as error:  # handed to the reader, raised there
            ahead.put(error)
        finally:
            getattr(items, "close", lambda: None)()  # a generator's cursor, closed here

    reader = threading.Thread(target=produce, name="oivallus-read-ahead", daemon=True)
    reader.start()
    try:
        while (item := ahead.get()) is not _DONE:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()


class Indexing:
    """Loads the index from the stored vectors and applies each unit of work's changes."""

    def __init__(
        self,
        db: Database,
        embedder: Embedder,
        insights: InsightRepository,
        vectors: EmbeddingRepository,
    ) -> None:
        self.db = db
        self.embedder = embedder
        self.insights = insights
        self.vectors = vectors
        self.saving: threading.Thread | None = None  # the lexical index being saved
        self.index = HybridIndex(
            embedder.dim,
            getattr(embedder, "pair_scales", None),
            getattr(embedder, "normalise", None),
            getattr(embedder, "pair_calibration", None),
        )

    def load(self, progress: Progress | None = None) -> None:
        """Recompute the vectors of another model, then read every live vector into memory."""
        self._reembed_stale(progress)
        # the bilingual dictionaries are read (about a second) while the rows load
        lexicon = threading.Thread(target=default_lexicon, name="lexicon", daemon=True)
        lexicon.start()
        count = self.insights.count()
        self.index.reserve(count + 1024)
        # A large collection takes its lexical rows from the last open where texts are unchanged
        large = count > ann.COMPACT_ROWS and self._lexicon_file() is not None
        lexicon_file = self._lexicon_file() if large else None
        saved = SavedLexicon.load(lexicon_file)
        if saved is not None:
            saved.seed(self.index.lexical)
        keys, split = [], 0
        pending: list[np.ndarray] = []  # saved rows to append, in order, before any split one

        def flush() -> None:
            if pending and saved is not None:
                saved.add_rows(self.index.lexical, np.concatenate(pending))
                pending.clear()

        for chunk in read_ahead(self.vectors.iter_index(self.embedder.model_id)):
            chunk_keys = row_keys(chunk.ids, chunk.hashes) if large else np.zeros(0, np.int64)
            keys.append(chunk_keys)
            found = saved.find(chunk_keys) if saved is not None else None
            for run in _runs(found, len(chunk.ids)):
                if found is not None and found[run.start] >= 0:
                    # the lexical rows are appended later, all at once (one block, no copies)
                    pending.append(found[run])
                    stored: Callable[[LexicalIndex], None] | None = _later
                    terms: list[list[str]] = []
                else:
                    flush()
                    stored = None
                    terms = [textlib.lexical_terms(chunk.texts[i], chunk.languages[i]) for i in run]
                    split += len(terms)
                self.index.add(
                    chunk.ids[run].tolist(),
                    chunk.vectors[run],
                    chunk.languages[run.start : run.stop],
                    terms,
                    chunk.smoothed[run],
                    bulk=True,
                    stored=stored,
                )
            release_freed_memory()  # each chunk's reading leaves freed pages behind
        flush()
        saved = None  # its rows are the index's now
        self.index.compact()
        lexicon.join()
        self.index.read_concepts()  # not at the first search (a second at 100,000)
        self.forget_old_graph()
        if lexicon_file is not None and (split > count // 100 or not lexicon_file.exists()):
            self.saving = save_lexicon(self.index.lexical, np.concatenate(keys), lexicon_file)

    def wait_saved(self) -> None:
        """Let a lexical index being saved finish (before the process ends)."""
        if self.saving is not None:
            self.saving.join()

    def _lexicon_file(self) -> Path | None:
        """Where a large index keeps its lexical rows between opens (retrieval/snapshot.py):
        beside the DuckDB file, or for PostgreSQL in the data folder (one per database)."""
        if self.db.path in ("", ":memory:"):
            return None
        model = hashlib.sha256(self.embedder.model_id.encode()).hexdigest()[:8]
        if is_postgres(self.db.path):
            where = hashlib.sha256(self.db.path.encode()).hexdigest()[:12]
            return data_dir_for(self.db.path) / "graphs" / f"{where}-{model}.lexical.npz"
        return Path(f"{self.db.path}.{model}.lexical.npz")

    def forget_old_graph(self) -> None:
        """Remove the neighbour graph files earlier versions kept beside the lexical rows
        (`.usearch`, up to 900 MB at a million insights): its codes need nothing saved."""
        lexicon = self._lexicon_file()
        if lexicon is None:
            return
        graph = Path(str(lexicon).removesuffix(".lexical.npz") + ".usearch")
        for old in (graph, Path(f"{graph}.rows.npy")):
            old.unlink(missing_ok=True)

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

    def add(self, cur: Cursor, stored: list[Insight], vectors: np.ndarray) -> None:
        """Store the vectors of these insights in the caller's unit and index them (out again
        if the unit rolls back)."""
        if not stored:
            return
        ids = [s.id for s in stored]
        terms = [textlib.lexical_terms(s.text, s.language) for s in stored]
        self.index.add(ids, vectors, [s.language for s in stored], terms)
        self.db.on_rollback(lambda: self.drop(ids))
        hashes = [s.content_hash for s in stored]
        # The raw vectors stand in for the smoothed ones until linking computes those.
        self.vectors.upsert(cur, self.embedder.model_id, ids, hashes, vectors, vectors)

    def reembed(self, cur: Cursor, insights: list[Insight]) -> int:
        """Embed and index again the live ones of these insights (their text was changed in
        place: an erasure, a redaction); returns how many."""
        live = [i for i in insights if i.deleted_at is None]
        if live:
            vectors = embed_texts(self.embedder, [i.text for i in live], [i.language for i in live])
            self.add(cur, live, vectors)
        return len(live)

    def add_afresh(self, cur: Cursor, insights: list[Insight]) -> None:
        """Embed and index insights this process never indexed (deleted before it opened the
        file), marked for linking."""
        if not insights:
            return
        vectors = embed_in_batches(
            self.embedder, [i.text for i in insights], [i.language for i in insights]
        )
        self.add(cur, insights, vectors)
        self.insights.mark_linked(cur, [i.id for i in insights], None)

    def drop(self, ids: Iterable[int]) -> None:
        """Take insights out of the index now."""
        for insight_id in ids:
            if insight_id in self.index.row_of:
                self.index.remove(insight_id)

    def remove_after_commit(self, ids: Iterable[int]) -> None:
        """Take insights out of search once the open unit of work has committed."""
        ids = list(ids)
        self.db.after_commit(lambda: self.drop(ids))

    def restore(self, ids: Iterable[int]) -> list[int]:
        """Put known (soft-deleted) insights back into search now, out again on rollback;
        returns the ids this process never indexed (to `add_afresh`)."""
        ids = list(ids)
        known = [i for i in ids if i in self.index.row_of]
        for insight_id in known:
            self.index.restore(insight_id)
        self.db.on_rollback(lambda: self.drop(known))
        return [i for i in ids if i not in self.index.row_of]

    def follow(self, ids: list[int]) -> None:
        """Bring the index in step with what another process wrote to these insights: new or
        edited ones in (with the vectors it stored), deleted ones out. Safe to repeat."""
        found = self.vectors.index_rows(self.embedder.model_id, ids)
        present: set[int] = set()
        if found is not None:
            present = set(found.ids.tolist())
            with self.index.lock:
                fresh = []
                for k, insight_id in enumerate(found.ids.tolist()):
                    row = self.index.row_of.get(insight_id)
                    # the same content: only its smoothing (or deletion) changed
                    if row is not None and self.index.raw.holds(row, found.vectors[k]):
                        self.index.restore(insight_id)
                        self.index.smooth.set_rows(np.asarray([row]), found.smoothed[k : k + 1])
                    else:
                        fresh.append(k)
            if fresh:
                terms = [textlib.lexical_terms(found.texts[k], found.languages[k]) for k in fresh]
                self.index.add(
                    [int(found.ids[k]) for k in fresh],
                    found.vectors[fresh],
                    [found.languages[k] for k in fresh],
                    terms,
                    found.smoothed[fresh],
                )
        self.drop([i for i in ids if i not in present])


def _runs(found: np.ndarray | None, n: int) -> list[range]:
    """Consecutive rows that are all saved (found >= 0) or all not: one range for the whole
    chunk in the usual case."""
    if found is None or not len(found):
        return [range(0, n)] if n else []
    saved = found >= 0
    edges = np.flatnonzero(saved[1:] != saved[:-1]) + 1
    bounds = [0, *edges.tolist(), n]
    return [range(a, b) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]


def _later(lexical: LexicalIndex) -> None:
    """The lexical rows of these insights are appended after the load (see `load`)."""
