"""Oivallus domain: capture, store, embed, link and search customer insights."""

from insights.errors import InvalidInput, NotFound, OivallusError
from insights.kb import KnowledgeBase
from insights.models import Hit, Insight, InsightIn, SearchFilters, StudyIn

__all__ = [
    "Hit",
    "Insight",
    "InsightIn",
    "InvalidInput",
    "KnowledgeBase",
    "NotFound",
    "OivallusError",
    "SearchFilters",
    "StudyIn",
]
