"""Every repository of one database, built together (the services take the ones they need)."""

from __future__ import annotations

from dataclasses import dataclass

from storage.analysis import AnalysisRepository
from storage.backlog import BacklogRepository
from storage.catalog import CatalogRepository
from storage.db import Database
from storage.documents import DocumentRepository
from storage.imports import ImportRepository
from storage.inbox import InboxRepository
from storage.insights import InsightRepository
from storage.links import LinkRepository
from storage.metrics import MetricRepository
from storage.people import PeopleRepository
from storage.privacy import PrivacyRepository
from storage.sessions import SessionRepository
from storage.tags import TagRepository
from storage.themes import ThemeRepository
from storage.tokens import TokenRepository
from storage.vectors import EmbeddingRepository
from storage.webhooks import WebhookRepository


@dataclass(frozen=True)
class Repositories:
    """The typed SQL of one database, one repository per concept."""

    insights: InsightRepository
    vectors: EmbeddingRepository
    links: LinkRepository
    catalog: CatalogRepository
    backlog: BacklogRepository
    imports: ImportRepository
    themes: ThemeRepository
    analysis: AnalysisRepository
    people: PeopleRepository
    inbox: InboxRepository
    sessions: SessionRepository
    metrics: MetricRepository
    privacy: PrivacyRepository
    tags: TagRepository
    documents: DocumentRepository
    tokens: TokenRepository
    webhooks: WebhookRepository

    @classmethod
    def of(cls, db: Database) -> Repositories:
        """All repositories over `db`."""
        return cls(
            insights=InsightRepository(db),
            vectors=EmbeddingRepository(db),
            links=LinkRepository(db),
            catalog=CatalogRepository(db),
            backlog=BacklogRepository(db),
            imports=ImportRepository(db),
            themes=ThemeRepository(db),
            analysis=AnalysisRepository(db),
            people=PeopleRepository(db),
            inbox=InboxRepository(db),
            sessions=SessionRepository(db),
            metrics=MetricRepository(db),
            privacy=PrivacyRepository(db),
            tags=TagRepository(db),
            documents=DocumentRepository(db),
            tokens=TokenRepository(db),
            webhooks=WebhookRepository(db),
        )
