"""Oivallus domain: capture, store, embed, link and search customer insights.

The public API: `KnowledgeBase` (the facade over the services) and every model people pass
in or get back. The models themselves live in `vocabulary/`, which storage and readers build on.
"""

from insights.analysis import JourneyCell, JourneyMap, KpiRow
from insights.briefs import Brief, BriefPoint
from insights.digest import Digest
from insights.erasure import ErasurePlan, ErasureReport, Mention
from insights.import_loop import ImportReport
from insights.inbox import InboxItem
from insights.kb import KnowledgeBase
from insights.metrics import MetricDefinition
from insights.notes import MyNotes, NoteBrief, NoteOutcome, NoteQuestion, NoteTheme, WeekOfNotes
from insights.redaction import RedactionReport
from insights.retention import RetentionReport
from insights.rules.funnel import (
    CustomerOutcomes,
    Funnel,
    FunnelStage,
    GroupShare,
    MetricTile,
    Ratio,
)
from insights.rules.kpis import Kpi, KpiChange
from insights.themes import ThemeTrend
from vocabulary.backlog import (
    EvidenceRelation,
    PriorityPart,
    Question,
    QuestionEvidence,
    QuestionIn,
    QuestionStatus,
    StatusChange,
)
from vocabulary.documents import (
    Document,
    DocumentSummary,
    Segment,
    Selection,
    Span,
    SpanOrigin,
    Speaker,
    SpeakerRole,
)
from vocabulary.errors import EditConflict, InvalidInput, NotFound, OivallusError
from vocabulary.imports import ImportRecord, SurveyResponse
from vocabulary.knowledge import (
    AddResult,
    Evidence,
    Hit,
    Insight,
    InsightIn,
    InsightVersion,
    Kind,
    Link,
    LinkStatus,
    SearchFilters,
    Sentiment,
    Source,
    StageSuggestion,
    Study,
    StudyIn,
    Suggestion,
    Theme,
)
from vocabulary.people import AuditEntry, Role, User

__all__ = [
    "ImportReport",
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
    "MyNotes",
    "NoteBrief",
    "NoteOutcome",
    "NoteQuestion",
    "NoteTheme",
    "WeekOfNotes",
    "Mention",
    "MetricTile",
    "Ratio",
    "RedactionReport",
    "RetentionReport",
    "Document",
    "DocumentSummary",
    "Segment",
    "Selection",
    "Span",
    "SpanOrigin",
    "Speaker",
    "SpeakerRole",
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
    "Suggestion",
    "StatusChange",
    "Study",
    "StudyIn",
    "SurveyResponse",
    "Theme",
    "User",
]
