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

log = logging.getLogger(__name__)
BLOCK = 10_000
BACKGROUND_NICE = 10


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


class Turns:
    """Who goes first on the index lock: people (search, related, question matching) before
    background work (linking), which takes the lock in short slices and, before each, waits
    while a person's request is waiting or running (at most `patience` seconds, so that
    background work never starves under a steady stream of searches)."""

    def __init__(self, lock: threading.RLock, patience: float = 0.5) -> None:
        self.lock = lock
        self.patience = patience
        self._people = 0
        self._changed = threading.Condition()

    @contextmanager
    def person(self) -> Iterator[None]:
        """Hold the lock for a person's request, ahead of any background slice."""
        with self._changed:
            self._people += 1
        try:
            with self.lock:
                yield
        finally:
            with self._changed:
                self._people -= 1
                self._changed.notify_all()

    @contextmanager
    def background(self) -> Iterator[None]:
        """Hold the lock for one short slice of background work, after the people waiting."""
        with self._changed:
            self._changed.wait_for(lambda: self._people == 0, timeout=self.patience)
        with self.lock:
            yield

    def give_way(self) -> None:
        """Between slices of background work outside the lock: let waiting people go first."""
        with self._changed:
            self._changed.wait_for(lambda: self._people == 0, timeout=self.patience)
