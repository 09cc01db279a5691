"""Conclusions leadership can read (`kb.briefs`): a one-page brief of a theme, a question, a
journey stage or a segment that sums up the evidence, and nothing else.

Every sentence of a brief is built from counts and figures and points to the insights (or the
figure) it comes from; the representative insights are quoted in their own words (extractive:
the most central ones, kept apart from each other by maximal marginal relevance), with their
sources. Nothing is generated. A brief is written in the language asked for (its sentences,
numbers and dates through `language.interface.Interface`); what it quotes stays as said.

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
from language.interface import Interface
from retrieval import clustering
from retrieval.hybrid import HybridIndex
from vocabulary.backlog import Question
from vocabulary.errors import InvalidInput, Message, NotFound
from vocabulary.knowledge import Insight, SearchFilters, Theme

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
    language: str = "en"  # the language its sentences are written in

    @property
    def link(self) -> str:
        """The brief's address in the app (relative), to share."""
        from urllib.parse import quote

        return f"brief?brief={quote(f'{self.kind}:{self.key}')}"


def counted(words: Interface, count: int, sources: int) -> str:
    """ "12 insights from 4 independent sources" in the brief's language."""
    return (
        words.plural("{count} insight", "{count} insights", count)
        + " "
        + words.plural(
            "from {count} independent source", "from {count} independent sources", sources
        )
    )


def confidence(count: int, sources: int, words: Interface | None = None) -> tuple[str, str]:
    """(level, why) by the rule in the module docstring; `why` in the words' language."""
    words = words or Interface()
    why = counted(words, count, sources)
    if count >= 10 and sources >= 3:
        return "high", why
    if count >= 3 and sources >= 2:
        return "medium", why
    return "low", why + " " + words.text("(high needs at least 10 from 3)")


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


def _share(words: Interface, part: int, whole: int) -> str:
    return words.percent(part / whole if whole else 0.0)


def trend_word(words: Interface, trend: str) -> str:
    """rising, falling or steady in the words' language."""
    return {
        "rising": words.text("rising"),
        "falling": words.text("falling"),
        "steady": words.text("steady"),
    }.get(trend, trend)


def status_word(words: Interface, status: str) -> str:
    """A question's status (stored in English) in the words' language."""
    return {
        "open": words.text("open"),
        "in research": words.text("in research"),
        "answered": words.text("answered"),
        "dropped": words.text("dropped"),
    }.get(status, status)


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

    def brief(self, kind: str, key: str, language: str = "en") -> Brief:
        """The brief of a theme (its id), a question (its id), a journey stage or a segment
        (its name), written in `language`; raises `NotFound` or `InvalidInput`."""
        if kind not in KINDS:
            raise InvalidInput(f"a brief is about one of {', '.join(KINDS)}, not {kind!r}")
        words = Interface(language)
        title, ids, questions, figures = self._subject(kind, key, words)
        found = self.insights.repo.get_many(ids[:MOST])
        count, sources = len(found), independent_sources(found)
        level, why = confidence(count, sources, words)
        points = self._points(found, words) + figures
        by_id = {i.id: i for i in found}
        quotes = [by_id[i] for i in self._quote_ids(list(by_id))]
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
            language=words.code,
        )

    def quoted_ids(self, kind: str, key: str) -> list[int]:
        """The insights the brief of a theme or a question (its id) quotes now: the same
        choice `brief` makes, without writing the rest of the brief."""
        if kind == "theme":
            return self.theme_quote_ids(self.themes.theme(_number(key)))
        if kind == "question":
            question = self.backlog.question(_number(key))
            ids = [e.insight_id for e in self.backlog.repo.evidence(question_id=question.id)]
        else:
            raise InvalidInput(f"quotes are found for a theme or a question, not {kind!r}")
        return self._quote_ids(ids[:MOST])

    def theme_quote_ids(self, theme: Theme) -> list[int]:
        """The insights the brief of this theme (as read, with its members) quotes now."""
        return self._quote_ids(list(theme.insight_ids)[:MOST])

    def _quote_ids(self, ids: list[int]) -> list[int]:
        """The representative ones among these insights that the index holds (live)."""
        live = [i for i in ids if i in self.index]
        return representative(live, self.index.smoothed_vectors(live)) if live else []

    def _subject(self, kind: str, key: str, words: Interface):
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
                        text=words.text(
                            "{month}: {count} of them, against {usual} a month on average "
                            "before: {trend} (p = {p}).",
                            month=words.month(t.periods[-1]),
                            count=words.number(t.current),
                            usual=words.number(t.baseline, 1),
                            trend=trend_word(words, t.trend),
                            p=words.number(t.p_value, 2),
                        ),
                        insight_ids=ids[:50],
                        figure=words.text("monthly counts of the theme's insights"),
                    )
                )
            title = words.text("Theme: {name}", name=theme.label)
            return title, ids, self._questions_of(ids), figures
        if kind == "question":
            question = self.backlog.question(_number(key))
            evidence = self.backlog.question_evidence(question.id)
            ids = [e.insight_id for e in evidence if e.status != "dismissed"]
            confirmed = [e.insight_id for e in evidence if e.status == "confirmed"]
            said = words.text(
                "Confirmed evidence: {confirmed}; suggested, not yet confirmed: {suggested}. "
                "The question is {status}.",
                confirmed=words.number(len(confirmed)),
                suggested=words.number(len(ids) - len(confirmed)),
                status=status_word(words, question.status),
            )
            if question.answer:
                said += " " + words.text("Answer: {answer}", answer=question.answer)
            figures = [BriefPoint(text=said, insight_ids=confirmed or ids[:20])]
            title = words.text("Question: {question}", question=question.text)
            return title, ids, [question], figures
        field = "journey_stage" if kind == "stage" else "segment"
        ids = self.insights.repo.filter_ids(SearchFilters.model_validate({field: [key]})).tolist()
        if not ids:
            raise NotFound("no insights at the {kind} {key}", kind=Message(kind), key=repr(key))
        ids.sort(reverse=True)
        if kind == "stage":
            figures = self._stage_figures(key, words)
            title = words.text("Journey stage: {stage}", stage=key)
        else:
            figures = self._segment_figures(key, words)
            title = words.text("Segment: {segment}", segment=key)
        return title, ids, self._questions_of(ids[:MOST]), figures

    def _points(self, found: list[Insight], words: Interface) -> list[BriefPoint]:
        if not found:
            return [BriefPoint(text=words.text("No insights yet."))]
        points = [
            BriefPoint(
                text=counted(words, len(found), independent_sources(found)) + ".",
                insight_ids=[i.id for i in found][:50],
            )
        ]
        negative = [i.id for i in found if i.sentiment == "negative"]
        if negative:
            points.append(
                BriefPoint(
                    text=words.plural(
                        "{count} of {total} ({share}) reports a negative experience.",
                        "{count} of {total} ({share}) report a negative experience.",
                        len(negative),
                        total=words.number(len(found)),
                        share=_share(words, len(negative), len(found)),
                    ),
                    insight_ids=negative[:50],
                )
            )
        for field in ("touchpoint", "segment"):
            values = Counter(getattr(i, field) for i in found if getattr(i, field))
            if values:
                value, n = values.most_common(1)[0]
                ids = [i.id for i in found if getattr(i, field) == value]
                share = _share(words, n, len(found))
                text = (
                    words.plural(
                        "The most common touchpoint is {value} ({count} insight, {share}).",
                        "The most common touchpoint is {value} ({count} insights, {share}).",
                        n,
                        value=value,
                        share=share,
                    )
                    if field == "touchpoint"
                    else words.plural(
                        "The most common segment is {value} ({count} insight, {share}).",
                        "The most common segment is {value} ({count} insights, {share}).",
                        n,
                        value=value,
                        share=share,
                    )
                )
                points.append(BriefPoint(text=text, insight_ids=ids[:50]))
        return points

    def _questions_of(self, ids: list[int]) -> list[Question]:
        seen: dict[int, Question] = {}
        for insight_id in ids[:200]:
            for question, _ in self.backlog.questions_for_insight(insight_id):
                if question.status in ("open", "in research"):
                    seen.setdefault(question.id, question)
        return sorted(seen.values(), key=lambda q: -q.priority)[:10]

    def _segment_figures(self, segment: str, words: Interface) -> list[BriefPoint]:
        latest = self.analysis.latest_response_date("nps")
        if latest is None:
            return []
        start = latest - timedelta(days=89)
        change = self.analysis.kpi_change("nps", start, latest, segment)
        if not change.current.n:
            return []
        now, was = change.current, change.previous
        text = words.text(
            "NPS {score} ± {margin} (n = {n}) in the 90 days to {latest}",
            score=words.number(now.score or 0, 0),
            margin=words.number(now.margin or 0, 0),
            n=words.number(now.n),
            latest=words.day(latest),
        )
        if was.n and was.score is not None and change.change is not None:
            verdict = (
                words.text("a real change")
                if change.significant
                else words.text("within the margin")
            )
            text += words.text(
                ", against {score} ± {margin} before ({verdict})",
                score=words.number(was.score, 0),
                margin=words.number(was.margin or 0, 0),
                verdict=verdict,
            )
        figure = words.text("NPS survey responses of {segment}", segment=segment)
        return [BriefPoint(text=text + ".", figure=figure)]

    def _stage_figures(self, stage: str, words: Interface) -> list[BriefPoint]:
        funnel = self.metrics.funnel()
        here = next((s for s in funnel.stages if s.stage == stage), None)
        if here is None or here.reached is None:
            return [BriefPoint(text=words.text("No behavioural data for this stage yet."))]
        text = words.text(
            "{reached} customers reached it ({metric})",
            reached=words.number(here.reached, 0),
            metric=funnel.metric,
        )
        if here.next_share is not None:
            text += words.text(
                "; {share} went on to the next stage", share=words.percent(here.next_share)
            )
        if funnel.largest_drop == stage:
            text += words.text(": the largest drop of the journey")
        figure = words.text("metric {metric} by journey stage", metric=funnel.metric)
        return [BriefPoint(text=text + ".", figure=figure)]


def _number(key: str) -> int:
    try:
        return int(key)
    except ValueError:
        raise InvalidInput("{key} is not an id", key=repr(key)) from None
