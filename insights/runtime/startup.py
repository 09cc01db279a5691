"""Opening a knowledge base without making people wait for it.

Loading the language models and the in-memory index takes from seconds to a minute (19 s at
100,000 insights). `Opening` opens the database file at once, so that the sign-in page works
immediately (accounts need no model), and builds the KnowledgeBase in a background thread;
pages that need it wait for it with a message saying what is loading.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from insights.acting import Acting
from insights.kb import KnowledgeBase
from insights.people import People
from insights.signin import SignIn
from language.bilingual import default_embedder
from language.embeddings import Embedder
from storage.connect import open_database
from storage.people import PeopleRepository
from storage.sessions import SessionRepository
from vocabulary.settings import data_dir_for, default_db_path, is_postgres


class Opening:
    """A knowledge base file: its accounts at once, the KnowledgeBase when it is loaded.

    `people` is the People service (insights/people.py) on the open file, acting as the system,
    for what signing in needs before the model has loaded (`ensure_admin`, `authenticate`,
    sessions, single sign-on); the pages' own writes go through the KnowledgeBase acting as
    the signed-in person. `embedder`: the model to load (default: `default_embedder()`).
    """

    def __init__(self, path: str | Path, embedder: Embedder | None = None) -> None:
        self.db = open_database(path)
        accounts, sessions = PeopleRepository(self.db), SessionRepository(self.db)
        self.people = People(
            Acting(self.db, accounts), accounts, sessions, SignIn(accounts, sessions)
        )
        self.progress: tuple[int, int] = (0, 0)  # re-embedding for a changed model
        self.started = time.monotonic()
        self.jobs_beside = False  # set by whoever runs the jobs beside it (views/serve.py)
        self._embedder = embedder
        self._kb: KnowledgeBase | None = None
        self._error: BaseException | None = None
        self._ready = threading.Event()
        threading.Thread(target=self._open, name="oivallus-open", daemon=True).start()

    def _open(self) -> None:
        try:
            embedder = self._embedder or default_embedder()
            self._kb = KnowledgeBase.on(self.db, embedder, progress=self._record)
        except BaseException as error:  # noqa: BLE001 - raised again to whoever waits
            self._error = error
        finally:
            self._ready.set()

    def _record(self, done: int, total: int) -> None:
        self.progress = (done, total)

    @property
    def ready(self) -> bool:
        """Whether the KnowledgeBase is loaded (or failed to load)."""
        return self._ready.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the load; False when the timeout passed first."""
        return self._ready.wait(timeout)

    def knowledge_base(self) -> KnowledgeBase:
        """The loaded KnowledgeBase (waits for it); raises what loading raised."""
        self._ready.wait()
        if self._error is not None:
            raise self._error
        assert self._kb is not None
        return self._kb

    def close(self) -> None:
        """Close the KnowledgeBase (or the bare database when it never loaded)."""
        self._ready.wait()
        if self._kb is not None:
            self._kb.close()
        else:
            self.db.close()


class Openings:
    """The knowledge base files one process serves, one `Opening` per file, so that the app's
    sessions and the jobs beside them share its KnowledgeBase (and its in-memory index).

    Whoever runs the app owns one and closes it: views/common.py holds the app's (`OPENINGS`),
    which views/serve.py's lifespan closes when the server stops. A test opens the file with
    the embedder it wants (`open(path, embedder)`) before the app asks for it, and closes it.
    """

    def __init__(self) -> None:
        self._opened: dict[str, Opening] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _key(path: str | Path) -> str:
        return str(path) if is_postgres(path) else str(Path(path).resolve())

    def open(self, path: str | Path, embedder: Embedder | None = None) -> Opening:
        """The Opening of `path`: the one opened before, else a new one loading `embedder`
        (default: `default_embedder()`); an embedder given for a file already open is
        refused rather than ignored."""
        key = self._key(path)
        with self._lock:
            if key not in self._opened:
                self._opened[key] = Opening(path, embedder)
            elif embedder is not None and self._opened[key]._embedder is not embedder:
                raise ValueError(f"{path} is open already, with another embedder")
            return self._opened[key]

    def close(self, path: str | Path) -> None:
        """Close the Opening of `path` (nothing when it is not open)."""
        with self._lock:
            opening = self._opened.pop(self._key(path), None)
        if opening is not None:
            opening.close()

    def close_all(self) -> None:
        """Close every file opened here."""
        with self._lock:
            opened = list(self._opened.values())
            self._opened.clear()
        for opening in opened:
            opening.close()


def default_target() -> str:
    """The knowledge base the app serves: $OIVALLUS_DB, else data/oivallus.duckdb."""
    return default_db_path()


def data_folder(target: str | Path) -> Path:
    """Where a knowledge base's digests, backups and uploads go (beside a DuckDB file)."""
    return data_dir_for(target)
