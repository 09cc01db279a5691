"""Keeping this process's in-memory index in step with writes of other processes.

On a shared (PostgreSQL) knowledge base several app servers and jobs write at once; each holds
its own index. A follower thread reads the change feed (storage/changes.py) every
`FOLLOW_SECONDS` and applies the changes of other processes, so that their insights are
searchable and linkable here within a few seconds.

Change numbers come from a sequence, and a transaction that took a number may commit after
one that took a later number: a number missing from what was read is waited for (and read
again) for `GAP_SECONDS` before it is given up as rolled back.
"""

from __future__ import annotations

import logging
import threading
import time

from insights.runtime.indexing import Indexing
from storage.changes import ChangeFeed
from storage.db import Database

FOLLOW_SECONDS = 1.0
GAP_SECONDS = 30.0
PRUNE_SECONDS = 600.0
log = logging.getLogger(__name__)


class ChangeFollower:
    """A daemon thread applying other processes' changes to this process's index."""

    def __init__(self, db: Database, indexing: Indexing, since: int) -> None:
        self.db = db
        self.indexing = indexing
        self.feed = ChangeFeed(db)
        self.origin = getattr(db, "origin", "")
        self.top = since  # the highest change number read
        self._gaps: dict[int, float] = {}  # a number below `top` not read yet -> since when
        self._stop = threading.Event()
        self._pruned = time.monotonic()
        self.changes_applied = 0
        self._thread = threading.Thread(target=self._run, name="oivallus-follow", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(FOLLOW_SECONDS):
            try:
                self.poll()
                if time.monotonic() - self._pruned > PRUNE_SECONDS:
                    self._pruned = time.monotonic()
                    with self.db.transaction() as cur:
                        self.feed.prune(cur)
            except Exception:  # noqa: BLE001 - a server restart must not end following
                log.exception("following the change feed failed; trying again")

    def poll(self) -> int:
        """Apply what other processes changed since the last poll; returns how many changes."""
        rows = self.feed.among(sorted(self._gaps)) if self._gaps else []
        while True:  # everything after the highest number read, a page at a time
            page = self.feed.after(self.top)
            rows.extend(page)
            now = time.monotonic()
            for seq, _, _ in page:
                for missing in range(max(self.top + 1, seq - 10_000), seq):  # still open
                    self._gaps.setdefault(missing, now)
                self.top = max(self.top, seq)
            if len(page) < 1000:
                break
        ids: set[int] = set()
        foreign = 0
        for seq, origin, changed in rows:
            self._gaps.pop(seq, None)
            if origin != self.origin:
                foreign += 1
                ids.update(changed)
        now = time.monotonic()
        for missing, since in list(self._gaps.items()):
            if now - since > GAP_SECONDS:  # its transaction rolled back: no such change
                del self._gaps[missing]
        if ids:
            self.indexing.follow(sorted(ids))
        if foreign:
            self.db.generation += 1  # what this process cached (the backlog, themes) is stale
            self.changes_applied += foreign
        return len(rows)

    def close(self) -> None:
        """Stop following."""
        self._stop.set()
        self._thread.join(timeout=5)
