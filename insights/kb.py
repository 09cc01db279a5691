"""KnowledgeBase: the one door to Oivallus for views, ingest, the CLI, tests and benchmarks.

A small facade. `KnowledgeBase.open` builds the parts shared by every view once (`Core`: the
database, its repositories, the embedder, the in-memory index and the background linker) and
the services on top of them, each with the parts it needs:

    kb.insights  add, read, search         kb.backlog   questions, votes, evidence
    kb.curation  links, merges, edits      kb.themes    themes and trends
    kb.catalog   studies, choice lists     kb.imports   files in, undo, survey responses
    kb.analysis  KPIs, the journey map     kb.people    accounts, sessions, audit, follows
    kb.inbox     the "For you" list         kb.metrics   behaviour: metrics, funnel, churn
    kb.briefs    one-page conclusions of a theme, question, stage or segment
    kb.notes     what happened to a person's own notes (links, questions, themes, briefs)
    kb.retention raw material dropped per source   kb.erasure  a person's erasure request
    kb.backups   a full export (admins only)
    kb.tags      the governed tag set: synonyms, merge, rename; tag suggestions; the tag board
    kb.documents the reader: documents kept whole, speakers, highlights, redaction
    kb.tokens    personal access tokens of the HTTP API
    kb.webhooks  webhooks out (JSON, Slack, Teams): hooks, deliveries, the sending
    kb.chat      a person's own chat: their "For you" items to their Slack or Teams

`kb.acting_as(user)` is a view of the same core whose services act for `user` (role checks and
audit entries); the view shares the core, so it is cheap to make per request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from insights.acting import Acting, permits
from insights.analysis import Analysis
from insights.answers import AnswerMatcher
from insights.backlog import Backlog
from insights.backups import Backups
from insights.briefs import Briefs
from insights.caches import Caches
from insights.catalog import Catalog
from insights.collection import Insights
from insights.curation import Curation
from insights.documents import Documents
from insights.erasure import Erasure
from insights.imports import Imports
from insights.inbox import Inbox
from insights.metrics import Metrics
from insights.notes import Notes
from insights.people import People
from insights.personal_chat import PersonalChat
from insights.redaction import Redaction
from insights.retention import Retention
from insights.runtime.following import ChangeFollower
from insights.runtime.indexing import Indexing
from insights.runtime.linking import BackgroundLinker, Linking
from insights.runtime.threads import limit_blas_threads
from insights.signin import SignIn
from insights.tagging import TagWords
from insights.tags import Tags
from insights.themes import ThemeAssigner, Themes
from insights.tokens import Tokens
from insights.webhooks import Outbox, Webhooks
from language import text as textlib
from language.bilingual import default_embedder
from language.embeddings import Embedder
from retrieval.hybrid import HybridIndex
from storage.changes import ChangeFeed
from storage.connect import open_database
from storage.db import Database
from storage.repositories import Repositories
from vocabulary import settings
from vocabulary.knowledge import AddResult, Hit, Insight, InsightIn
from vocabulary.people import User

Progress = Callable[[int, int], None]


@dataclass
class Core:
    """What every view of one knowledge base shares."""

    db: Database
    embedder: Embedder
    repos: Repositories
    indexing: Indexing
    linking: Linking
    linker: BackgroundLinker
    matcher: AnswerMatcher
    signin: SignIn
    outbox: Outbox
    caches: Caches = field(default_factory=Caches)
    words: TagWords | None = None  # the governed tag set's names and synonyms
    follower: ChangeFollower | None = None  # on a shared database: other processes' writes

    @classmethod
    def load(cls, db: Database, embedder: Embedder, progress: Progress | None = None) -> Core:
        """Build the parts, load the index (re-embedding for a changed model) and queue the
        insights whose links were not computed yet."""
        repos = Repositories.of(db)
        repos.imports.mark_interrupted()
        indexing = Indexing(db, embedder, repos.insights, repos.vectors)
        linking = Linking(
            db, indexing.index, embedder.model_id, repos.insights, repos.vectors, repos.links
        )
        caches = Caches()
        matcher = AnswerMatcher(db, embedder, indexing.index, repos.backlog, repos.insights, caches)
        # New insights are checked against the open questions they may answer, and join the
        # themes they are close to.
        linking.on_new_insights(matcher.match_new_insights)
        linking.on_new_insights(ThemeAssigner(embedder, indexing.index, repos.themes).assign)
        outbox = Outbox(
            db, repos.webhooks
        )  # webhooks: queued with the write (insights/webhooks.py)
        linking.on_new_insights(outbox.insights_linked)
        core = cls(
            db=db,
            embedder=embedder,
            repos=repos,
            indexing=indexing,
            linking=linking,
            linker=BackgroundLinker(linking.link),
            matcher=matcher,
            signin=SignIn(repos.people, repos.sessions),
            outbox=outbox,
            caches=caches,
            words=TagWords(db, repos.tags),
        )
        limit_blas_threads()
        textlib.detect_language("warm up")  # load the language model now, not in the first add
        since = ChangeFeed(db).latest() if db.shared else 0  # what the index will hold
        indexing.load(progress)
        if db.shared:  # changes made while the index loaded are applied again: harmless
            core.follower = ChangeFollower(db, indexing, since)
        core.linker.submit(repos.insights.unlinked_ids())
        return core


class KnowledgeBase:
    """Insights stored in DuckDB, indexed in memory for hybrid search and linking.

    Open with `KnowledgeBase.open(path)`; every method is safe to call from several threads.
    """

    def __init__(self, core: Core, actor: User | None = None) -> None:
        self.core = core
        self.db = core.db
        self.embedder = core.embedder
        self.repos = core.repos
        self.index: HybridIndex = core.indexing.index
        self.linker = core.linker
        repos = core.repos
        self.acting = Acting(core.db, repos.people, actor)
        acting = self.acting
        self.insights = Insights(
            acting,
            core.db,
            core.embedder,
            repos.insights,
            repos.links,
            core.indexing,
            core.linking,
            core.linker,
            core.words,
        )
        self.curation = Curation(
            acting,
            core.db,
            core.embedder,
            self.insights,
            repos.insights,
            repos.links,
            core.indexing,
            core.linking,
        )
        self.documents = Documents(
            acting, core.db, repos.documents, self.insights, self.curation, core.indexing
        )
        self.catalog = Catalog(acting, core.db, repos.catalog, repos.insights)
        self.tags = Tags(
            acting,
            core.db,
            repos.tags,
            core.words or TagWords(core.db, repos.tags),
            self.insights,
            repos.insights,
        )
        self.backlog = Backlog(
            acting,
            core.db,
            repos.backlog,
            repos.people,
            self.insights,
            core.matcher,
            core.caches,
            core.outbox,
        )
        self.imports = Imports(
            acting,
            core.db,
            repos.imports,
            self.insights,
            core.indexing,
            core.linker,
            repos.people,
            repos.documents,
            core.outbox,
        )
        self.themes = Themes(
            acting, core.db, core.embedder, self.index, repos.themes, repos.insights
        )
        self.analysis = Analysis(repos.analysis, self.catalog)
        self.people = People(acting, repos.people, repos.sessions, core.signin)
        self.inbox = Inbox(acting, repos.inbox)
        self.metrics = Metrics(
            acting,
            core.db,
            repos.metrics,
            repos.imports,
            repos.people,
            repos.insights,
            repos.backlog,
            self.catalog,
        )
        self.briefs = Briefs(
            self.insights, self.themes, self.backlog, self.analysis, self.metrics, self.index
        )
        self.notes = Notes(
            acting, self.insights, self.backlog, self.themes, self.briefs, self.people
        )
        self.retention = Retention(acting, core.db, repos.privacy, repos.documents)
        self.backups = Backups(acting, core.db)
        self.redaction = Redaction(
            acting,
            core.db,
            self.documents,
            repos.privacy,
            repos.insights,
            core.indexing,
        )
        self.tokens = Tokens(acting, repos.tokens, repos.people)
        self.webhooks = Webhooks(acting, core.db, repos, core.outbox, settings.current().base_url)
        self.chat = PersonalChat(acting, core.db, repos, core.outbox, self.webhooks)
        self.erasure = Erasure(
            acting,
            core.db,
            repos.privacy,
            repos.people,
            repos.insights,
            core.indexing,
        )

    @classmethod
    def open(
        cls, path: str | Path, embedder: Embedder | None = None, progress: Progress | None = None
    ) -> KnowledgeBase:
        """Open (creating or migrating) a knowledge base file.

        Args:
            path: the DuckDB file.
            embedder: any `Embedder`; default: $OIVALLUS_MODEL (sentence-transformers) when set,
                else the bundled Finnish-English embedder (language/bilingual.py).
            progress: called as (done, total) while vectors of a changed model are recomputed.
        """
        return cls.on(open_database(path), embedder or default_embedder(), progress)

    @classmethod
    def on(
        cls, db: Database, embedder: Embedder, progress: Progress | None = None
    ) -> KnowledgeBase:
        """A knowledge base on an open database (see `open`)."""
        return cls(Core.load(db, embedder, progress))

    def close(self) -> None:
        """Stop background linking (unfinished work resumes at the next open) and close."""
        self.linker.stop()
        if self.core.follower is not None:
            self.core.follower.close()
        self.core.indexing.wait_saved()
        self.db.close()

    # --- who acts ----------------------------------------------------------------------------

    @property
    def actor(self) -> User | None:
        """The person this view acts for (None: the system, with every right)."""
        return self.acting.actor

    @property
    def actor_name(self) -> str | None:
        """Who the audit log names for this view's writes (None: the system)."""
        return self.acting.actor_name

    def acting_as(self, user: User | None) -> KnowledgeBase:
        """A view of this knowledge base whose writes are checked against `user`'s role."""
        return KnowledgeBase(self.core, user)

    def allows(self, write: Callable, *args, **kwargs) -> bool:
        """Whether this view's person may call `write` (a bound method of one of this view's
        services, such as `kb.curation.edit`) with these arguments: to show only the
        controls they may use. True for methods no role guards."""
        return permits(write, *args, **kwargs)

    # --- the public API of DESIGN.md ---------------------------------------------------------

    def add(self, item: InsightIn | dict) -> AddResult:
        """Store one insight (or find it already stored) and suggest links for it."""
        return self.insights.add(item)

    def add_many(
        self, items: Iterable[InsightIn | dict], progress: Progress | None = None
    ) -> list[int]:
        """Store many insights in one transaction; returns their ids in input order."""
        return self.insights.add_many(items, progress)

    def search(self, query: str, k: int = 10, **filters) -> list[Hit]:
        """Hybrid search, best first (see `Insights.search` for filters and paging)."""
        return self.insights.search(query, k, **filters)

    def related(self, insight_id: int, k: int = 5) -> list[Hit]:
        """Nearest other live insights, best first."""
        return self.insights.related(insight_id, k)

    def get(self, insight_id: int, include_deleted: bool = False) -> Insight:
        """One insight; raises `NotFound`."""
        return self.insights.get(insight_id, include_deleted)

    def count(self) -> int:
        """Number of live insights."""
        return self.insights.count()

    def wait_for_links(self, timeout: float | None = None) -> bool:
        """Block until the links of everything added so far are computed (False on timeout)."""
        return self.insights.wait_for_links(timeout)

    def digest(self, username: str | None = None, team: str | None = None, end=None, days: int = 7):
        """The weekly digest of a person or a team (Markdown and HTML); see insights.digest."""
        from insights.digest import build_digest

        return build_digest(self, username=username, team=team, end=end, days=days)
