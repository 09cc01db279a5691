"""Oivallus domain: capture, store, embed, link and search customer insights.

Every public model is importable from here; `KnowledgeBase` is loaded on first use, so that
`storage` (which builds on the models) can be imported on its own without a cycle.
"""

from insights.errors import InvalidInput, NotFound, OivallusError
from insights.models import (
    AddResult,
    Evidence,
    EvidenceRelation,
    Hit,
    Insight,
    InsightIn,
    InsightVersion,
    Kind,
    Link,
    LinkStatus,
    PriorityPart,
    Question,
    QuestionEvidence,
    QuestionIn,
    QuestionStatus,
    SearchFilters,
    Sentiment,
    Source,
    StageSuggestion,
    StatusChange,
    Study,
    StudyIn,
)
from insights.records import AuditEntry, ImportRecord, Role, SurveyResponse, Theme, User

__all__ = [
    "AddResult",
    "AuditEntry",
    "Evidence",
    "EvidenceRelation",
    "Hit",
    "ImportRecord",
    "Insight",
    "InsightIn",
    "InsightVersion",
    "InvalidInput",
    "Kind",
    "KnowledgeBase",
    "Link",
    "LinkStatus",
    "NotFound",
    "OivallusError",
    "PriorityPart",
    "Question",
    "QuestionEvidence",
    "QuestionIn",
    "QuestionStatus",
    "Role",
    "SearchFilters",
    "Sentiment",
    "Source",
    "StageSuggestion",
    "StatusChange",
    "Study",
    "StudyIn",
    "SurveyResponse",
    "Theme",
    "User",
]


def __getattr__(name: str):
    if name == "KnowledgeBase":
        from insights.kb import KnowledgeBase

        return KnowledgeBase
    raise AttributeError(f"module 'insights' has no attribute {name!r}")
