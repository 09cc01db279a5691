"""Background linking: smoothing and related-link suggestions after bulk additions.

Embedding is what a bulk import waits for; linking each new insight to its neighbours costs
about as much again on short texts. So `add_many` stores and indexes (searchable at once) and
hands the ids to this worker, which links them in blocks. What it had not done when the process
stopped is found again at the next open (`linked_at IS NULL`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

import numpy as np

from language.pairs import is_near_duplicate, suggests_link
from retrieval.hybrid import HybridIndex
from storage.cursor import Cursor
from storage.db import Database
from storage.insights import InsightRepository
from storage.links import LinkRepository
from storage.vectors import EmbeddingRepository
from vocabulary.knowledge import now

log = logging.getLogger(__name__)
BLOCK = 10_000
BACKGROUND_NICE = 10
SUGGESTIONS_PER_INSIGHT = 5
LINK_BLOCK = 256

# Told about freshly linked insights inside the unit of work that stores their links:
# (cursor, ids, raw vectors, languages).
NewInsightListener = Callable[[Cursor, list[int], np.ndarray, list[str]], None]


def _lower_priority() -> None:
    """Let the operating system run people's requests first when both want a core (Linux
    gives each thread its own nice value)."""
    with contextlib.suppress(AttributeError, OSError):  # not on every platform; only a help
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), BACKGROUND_NICE)


class BackgroundLinker:
    """A single worker thread draining a queue of insight ids in blocks."""

    def __init__(self, link: Callable[[list[int]], None]) -> None:
        self._link = link
        self._pending: list[int] = []
        self._condition = threading.Condition()
        self._busy = False
        self._stopped = False
        self._holds = 0
        self._thread: threading.Thread | None = None

    def submit(self, ids: Iterable[int]) -> None:
        """Queue insights for linking."""
        with self._condition:
            if self._stopped:
                return
            self._pending.extend(ids)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="oivallus-linker", daemon=True
                )
                self._thread.start()
            self._condition.notify_all()

    @property
    def pending(self) -> int:
        """How many insights still wait for their links."""
        with self._condition:
            return len(self._pending) + (BLOCK if self._busy else 0)

    @contextmanager
    def held(self) -> Iterator[None]:
        """Start no new block meanwhile: a bulk import embeds faster without linking beside it
        on the same cores; what was queued is linked when the hold ends."""
        with self._condition:
            self._holds += 1
        try:
            yield
        finally:
            with self._condition:
                self._holds -= 1
                self._condition.notify_all()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until everything queued is linked; False if the timeout passed first."""
        with self._condition:
            return self._condition.wait_for(
                lambda: not self._pending and not self._busy, timeout=timeout
            )

    def stop(self) -> None:
        """Finish the block under way and stop; the rest stays queued in the database."""
        with self._condition:
            self._stopped = True
            self._pending.clear()
            self._condition.notify_all()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        _lower_priority()
        while True:
            with self._condition:
                self._condition.wait_for(
                    lambda: (self._pending and not self._holds) or self._stopped
                )
                if self._stopped:
                    return
                block, self._pending = self._pending[:BLOCK], self._pending[BLOCK:]
                self._busy = True
            try:
                self._link(block)
            except Exception:  # noqa: BLE001 - the block stays unlinked and is retried at next open
                log.exception("linking %d insights failed", len(block))
            finally:
                with self._condition:
                    self._busy = False
                    self._condition.notify_all()


class Linking:
    """What follows a new or changed insight: its smoothed vector, its suggested links and
    whatever the registered listeners do with it (the backlog matches it to open questions),
    all in one unit of work per block."""

    def __init__(
        self,
        db: Database,
        index: HybridIndex,
        model_id: str,
        insights: InsightRepository,
        vectors: EmbeddingRepository,
        links: LinkRepository,
    ) -> None:
        self.db = db
        self.index = index
        self.model_id = model_id
        self.insights = insights
        self.vectors = vectors
        self.links = links
        self.listeners: list[NewInsightListener] = []

    def on_new_insights(self, listener: NewInsightListener) -> None:
        """Register a listener told about every block of freshly linked insights."""
        self.listeners.append(listener)

    def link(self, ids: list[int], background: bool = True) -> None:
        """Smooth the vectors of these insights, then suggest their links, in blocks.

        The background linker's work yields to people's requests (`background`); a person's
        own add or edit is linked at once, as a person's request (slicing it cost an add at
        100,000 insights 115 ms instead of about 25)."""
        ids = [i for i in ids if i in self.index]
        if not ids:
            return
        smoothed = dict(zip(ids, self.index.refine(ids, background=background), strict=True))
        for start in range(0, len(ids), LINK_BLOCK):
            block = ids[start : start + LINK_BLOCK]
            neighbours = self.index.related_many(
                block, SUGGESTIONS_PER_INSIGHT, background=background
            )
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
                        n.score, n.dense, insight.language, other.language, n.shared
                    ):
                        suggestions.append((insight_id, n.insight_id, n.score, duplicate))
            languages = [insights[i].language if i in insights else "en" for i in block]
            with self.db.transaction() as cur:
                vectors = np.stack([smoothed[i] for i in block])
                self.vectors.set_smoothed(cur, self.model_id, block, vectors)
                self.links.suggest(cur, suggestions)
                raw = self.index.raw_vectors(block)
                for listener in self.listeners:
                    listener(cur, block, raw, languages)
                self.insights.mark_linked(cur, block, now())
