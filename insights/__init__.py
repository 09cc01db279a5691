"""Oivallus domain: capture, store, embed, link and search customer insights.

Every public model is importable from here; `KnowledgeBase` is loaded on first use, so that
`storage` (which builds on the models) can be imported on its own without a cycle.
"""

from insights.errors import EditConflict, InvalidInput, NotFound, OivallusError
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
    "Brief",
    "BriefPoint",
    "CustomerOutcomes",
    "Digest",
    "ErasurePlan",
    "ErasureReport",
    "Funnel",
    "FunnelStage",
    "GroupShare",
    "InboxItem",
    "JourneyCell",
    "JourneyMap",
    "Kpi",
    "KpiChange",
    "KpiRow",
    "MetricDefinition",
    "Mention",
    "MetricTile",
    "Ratio",
    "RetentionReport",
    "ThemeTrend",
    "AddResult",
    "AuditEntry",
    "EditConflict",
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


# Loaded on first use (they build on storage, which builds on the models above).
LAZY = {
    "KnowledgeBase": "insights.kb",
    "Brief": "insights.briefs",
    "BriefPoint": "insights.briefs",
    "CustomerOutcomes": "insights.funnel",
    "Digest": "insights.digest",
    "ErasurePlan": "insights.erasure",
    "ErasureReport": "insights.erasure",
    "Funnel": "insights.funnel",
    "FunnelStage": "insights.funnel",
    "GroupShare": "insights.funnel",
    "InboxItem": "insights.inbox",
    "JourneyCell": "insights.analysis",
    "JourneyMap": "insights.analysis",
    "Kpi": "insights.kpis",
    "KpiChange": "insights.kpis",
    "KpiRow": "insights.analysis",
    "MetricDefinition": "insights.metrics",
    "Mention": "insights.erasure",
    "MetricTile": "insights.funnel",
    "Ratio": "insights.funnel",
    "RetentionReport": "insights.retention",
    "ThemeTrend": "insights.themes",
}


def __getattr__(name: str):
    if name in LAZY:
        import importlib

        return getattr(importlib.import_module(LAZY[name]), name)
    raise AttributeError(f"module 'insights' has no attribute {name!r}")
