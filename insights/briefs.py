"""Conclusions leadership can read (`kb.briefs`): a one-page brief of a theme, a question, a
journey stage or a segment that sums up the evidence, and nothing else.

Every sentence of a brief is built from counts and figures and points to the insights (or the
figure) it comes from; the representative insights are quoted in their own words (extractive:
the most central ones, kept apart from each other by maximal marginal relevance), with their
sources. Nothing is generated.

Confidence: high with at least 10 insights from at least 3 independent sources (a source is a
study, else a kind of source and an author); medium with at least 3 from 2; low otherwise.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

import numpy as np
from pydantic import BaseModel

from insights.analysis import Analysis
from insights.backlog import Backlog
from insights.collection import Insights
from insights.metrics import Metrics
from insights.rules.evidence import READ_AT_MOST, independent_sources
from insights.themes import Themes
from retrieval import clustering
from retrieval.hybrid import HybridIndex
from vocabulary.backlog import Question
from vocabulary.errors import InvalidInput, Message, NotFound
from vocabulary.knowledge import Insight, SearchFilters

KINDS = ("theme", "question", "stage", "segment")
REPRESENTATIVE = 5
MMR_LAMBDA = 0.7  # centrality against difference from the quotes already chosen
MOST = READ_AT_MOST  # insights a brief reads at most (the newest)


class BriefPoint(BaseModel):
    """One sentence of a brief and what it rests on."""

    text: str
    insight_ids: list[int] = []
    figure: str | None = None  # where a number comes from, when it is not insights


class Brief(BaseModel):
    """A one-page summary of the evidence about one thing."""

    kind: str
    key: str
    title: str
    count: int
    sources: int
    confidence: str
    confidence_reason: str
    points: list[BriefPoint]
    quotes: list[Insight]
    questions: list[Question]
    made_at: datetime

    @property
    def link(self) -> str:
        """The brief's address in the app (relative), to share."""
        from urllib.parse import quote

        return f"brief?brief={quote(f'{self.kind}:{self.key}')}"


def confidence(count: int, sources: int) -> tuple[str, str]:
    """(level, why) by the rule in the module docstring."""
    why = f"{count} insights from {sources} independent sources"
    if count >= 10 and sources >= 3:
        return "high", why
    if count >= 3 and sources >= 2:
        return "medium", why
    return "low", why + " (high needs at least 10 from 3)"


def representative(ids: list[int], vectors: np.ndarray, k: int = REPRESENTATIVE) -> list[int]:
    """The k most central insights, each also far from those already chosen (MMR)."""
    if not len(ids):
        return []
    unit = clustering.unit(vectors)
    centrality = unit @ clustering.unit(unit.mean(axis=0, keepdims=True))[0]
    chosen: list[int] = []
    while len(chosen) < min(k, len(ids)):
        redundancy = (unit @ unit[chosen].T).max(axis=1) if chosen else np.zeros(len(ids))
        score = MMR_LAMBDA * centrality - (1 - MMR_LAMBDA) * redundancy
        score[chosen] = -np.inf
        chosen.append(int(np.argmax(score)))
    return [ids[i] for i in chosen]


def _share(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)} %" if whole else "0 %"


class Briefs:
    """Builds briefs from the other services' reads."""

    def __init__(
        self,
        insights: Insights,
        themes: Themes,
        backlog: Backlog,
        analysis: Analysis,
        metrics: Metrics,
        index: HybridIndex,
    ) -> None:
        self.insights = insights
        self.themes = themes
        self.backlog = backlog
        self.analysis = analysis
        self.metrics = metrics
        self.index = index

    def brief(self, kind: str, key: str) -> Brief:
        """The brief of a theme (its id), a question (its id), a journey stage or a segment
        (its name); raises `NotFound` or `InvalidInput`."""
        if kind not in KINDS:
            raise InvalidInput(f"a brief is about one of {', '.join(KINDS)}, not {kind!r}")
        title, ids, questions, figures = self._subject(kind, key)
        found = self.insights.repo.get_many(ids[:MOST])
        count, sources = len(found), independent_sources(found)
        level, why = confidence(count, sources)
        points = self._points(found) + figures
        live = [i.id for i in found if i.id in self.index]
        quotes = []
        if live:
            by_id = {i.id: i for i in found}
            chosen = representative(live, self.index.smoothed_vectors(live))
            quotes = [by_id[i] for i in chosen]
        return Brief(
            kind=kind,
            key=str(key),
            title=title,
            count=count,
            sources=sources,
            confidence=level,
            confidence_reason=why,
            points=points,
            quotes=quotes,
            questions=questions,
            made_at=datetime.now().replace(microsecond=0),
        )

    def _subject(self, kind: str, key: str):
        """(title, insight ids, open questions, figure points) of what the brief is about."""
        if kind == "theme":
            theme = self.themes.theme(_number(key))
            ids = list(theme.insight_ids)
            trend = self.themes.theme_trends("month", theme_ids=[theme.id])
            figures = []
            if trend:
                t = trend[0]
                figures.append(
                    BriefPoint(
                        text=f"{t.current} of them in the latest month against "
                        f"{t.baseline:.1f} a month before: {t.trend} (p = {t.p_value:.2f}).",
                        insight_ids=ids[:50],
                        figure="monthly counts of the theme's insights",
                    )
                )
            return f"Theme: {theme.label}", ids, self._questions_of(ids), figures
        if kind == "question":
            question = self.backlog.question(_number(key))
            evidence = self.backlog.question_evidence(question.id)
            ids = [e.insight_id for e in evidence if e.status != "dismissed"]
            confirmed = [e.insight_id for e in evidence if e.status == "confirmed"]
            figures = [
                BriefPoint(
                    text=f"{len(confirmed)} insights are confirmed evidence, "
                    f"{len(ids) - len(confirmed)} more are suggested; the question is "
                    f"{question.status}" + (f": {question.answer}" if question.answer else "."),
                    insight_ids=confirmed or ids[:20],
                )
            ]
            return f"Question: {question.text}", ids, [question], figures
        field = "journey_stage" if kind == "stage" else "segment"
        ids = self.insights.repo.filter_ids(SearchFilters.model_validate({field: [key]})).tolist()
        if not ids:
            raise NotFound("no insights at the {kind} {key}", kind=Message(kind), key=repr(key))
        ids.sort(reverse=True)
        figures = self._stage_figures(key) if kind == "stage" else self._segment_figures(key)
        label = "Journey stage" if kind == "stage" else "Segment"
        return f"{label}: {key}", ids, self._questions_of(ids[:MOST]), figures

    def _points(self, found: list[Insight]) -> list[BriefPoint]:
        if not found:
            return [BriefPoint(text="No insights yet.")]
        points = [
            BriefPoint(
                text=f"{len(found)} insights from {independent_sources(found)} "
                "independent sources.",
                insight_ids=[i.id for i in found][:50],
            )
        ]
        negative = [i.id for i in found if i.sentiment == "negative"]
        if negative:
            points.append(
                BriefPoint(
                    text=f"{len(negative)} of {len(found)} ({_share(len(negative), len(found))})"
                    " report a negative experience.",
                    insight_ids=negative[:50],
                )
            )
        for field, label in (("touchpoint", "touchpoint"), ("segment", "segment")):
            values = Counter(getattr(i, field) for i in found if getattr(i, field))
            if values:
                value, n = values.most_common(1)[0]
                ids = [i.id for i in found if getattr(i, field) == value]
                points.append(
                    BriefPoint(
                        text=f"The most common {label} is {value} ({n} insights, "
                        f"{_share(n, len(found))}).",
                        insight_ids=ids[:50],
                    )
                )
        return points

    def _questions_of(self, ids: list[int]) -> list[Question]:
        seen: dict[int, Question] = {}
        for insight_id in ids[:200]:
            for question, _ in self.backlog.questions_for_insight(insight_id):
                if question.status in ("open", "in research"):
                    seen.setdefault(question.id, question)
        return sorted(seen.values(), key=lambda q: -q.priority)[:10]

    def _segment_figures(self, segment: str) -> list[BriefPoint]:
        latest = self.analysis.latest_response_date("nps")
        if latest is None:
            return []
        start = latest - timedelta(days=89)
        change = self.analysis.kpi_change("nps", start, latest, segment)
        if not change.current.n:
            return []
        now, was = change.current, change.previous
        text = f"NPS {now.score:.0f} ± {now.margin:.0f} (n = {now.n}) in the 90 days to {latest}"
        if was.n and change.change is not None:
            verdict = "a real change" if change.significant else "within the margin"
            text += f", against {was.score:.0f} ± {was.margin:.0f} before ({verdict})"
        return [BriefPoint(text=text + ".", figure=f"NPS survey responses of {segment}")]

    def _stage_figures(self, stage: str) -> list[BriefPoint]:
        funnel = self.metrics.funnel()
        here = next((s for s in funnel.stages if s.stage == stage), None)
        if here is None or here.reached is None:
            return [BriefPoint(text="No behavioural data for this stage yet.")]
        text = f"{here.reached:,.0f} customers reached it ({funnel.metric})"
        if here.next_share is not None:
            text += f"; {100 * here.next_share:.0f} % went on to the next stage"
        if funnel.largest_drop == stage:
            text += ": the largest drop of the journey"
        return [BriefPoint(text=text + ".", figure=f"metric {funnel.metric} by journey stage")]


def _number(key: str) -> int:
    try:
        return int(key)
    except ValueError:
        raise InvalidInput("{key} is not an id", key=repr(key)) from None
