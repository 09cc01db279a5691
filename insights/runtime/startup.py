"""Opening a knowledge base without making people wait for it.

Loading the language models and the in-memory index takes from seconds to a minute (19 s at
100,000 insights). `Opening` opens the database file at once, so that the sign-in page works
immediately (accounts need no model), and builds the KnowledgeBase in a background thread;
pages that need it wait for it with a message saying what is loading.
"""

from __future__ import annotations

import atexit
import threading
import time
from pathlib import Path

from insights.kb import KnowledgeBase
from insights.people import ensure_admin_account, sso_account
from insights.signin import SESSION_DAYS, SignIn
from language.bilingual import default_embedder
from language.embeddings import Embedder
from storage.connect import open_database
from storage.db import Database
from storage.people import PeopleRepository
from storage.sessions import SessionRepository
from vocabulary.people import User
from vocabulary.settings import data_dir_for, default_db_path


class Accounts:
    """What signing in needs, ready before the model is: accounts and sessions."""

    def __init__(self, db: Database) -> None:
        self.people = PeopleRepository(db)
        self.signin = SignIn(self.people, SessionRepository(db))

    def ensure_admin(self, password: str | None = None) -> str | None:
        """See `KnowledgeBase.ensure_admin`."""
        return ensure_admin_account(self.people, password)

    def user(self, username: str) -> User | None:
        """One account (None when there is none)."""
        return self.people.user(username)

    def authenticate(self, username: str, password: str, address: str | None = None):
        """See `KnowledgeBase.authenticate`."""
        return self.signin.authenticate(username, password, address)

    def start_session(self, user: User, days: int = SESSION_DAYS) -> str:
        """See `KnowledgeBase.start_session`."""
        return self.signin.start(user, days)

    def user_from_token(self, token: str | None) -> User | None:
        """See `KnowledgeBase.user_from_token`."""
        return self.signin.user(token)

    def end_session(self, token: str | None) -> None:
        """See `KnowledgeBase.end_session`."""
        self.signin.end(token)

    def sso_user(self, email: str, name: str | None) -> User:
        """See `KnowledgeBase.sso_user`."""
        return sso_account(self.people, email, name)


class Opening:
    """A knowledge base file: its accounts at once, the KnowledgeBase when it is loaded."""

    def __init__(self, path: str | Path, embedder: Embedder | None = None) -> None:
        self.db = open_database(path)
        self.accounts = Accounts(self.db)
        self.progress: tuple[int, int] = (0, 0)  # re-embedding for a changed model
        self.started = time.monotonic()
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


_OPENED: dict[str, Opening] = {}
_OPENING = threading.Lock()


def opening_for(path: str | Path) -> Opening:
    """The one Opening of a file in this process: the app's sessions and the jobs beside them
    share its KnowledgeBase (and its in-memory index); closed when the process ends."""
    key = str(Path(path).resolve())
    with _OPENING:
        if key not in _OPENED:
            _OPENED[key] = Opening(path)
        return _OPENED[key]


def close_all() -> None:
    """Close every file this process opened through `opening_for`."""
    with _OPENING:
        opened = list(_OPENED.values())
        _OPENED.clear()
    for opening in opened:
        opening.close()


atexit.register(close_all)


def default_target() -> str:
    """The knowledge base the app serves: $OIVALLUS_DB, else data/oivallus.duckdb."""
    return default_db_path()


def data_folder(target: str | Path) -> Path:
    """Where a knowledge base's digests, backups and uploads go (beside a DuckDB file)."""
    return data_dir_for(target)
