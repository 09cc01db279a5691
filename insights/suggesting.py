"""What a quick note's empty fields could hold, each with the insights it came from.

`kb.curation.suggest(insight_id)` calls `suggestions()`: the person's team (their account), their
usual segment (most of their earlier insights), today's date, the sentiment (its words and its
nearest insights), and the journey stage, segment, touchpoint and tags the nearest similar
insights agree on (insights/rules/suggestions.py, insights/rules/stages.py).
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from insights.collection import Insights
from insights.rules import suggestions as rules
from storage.insights import InsightRepository
from vocabulary.knowledge import Hit, Insight, StageSuggestion, Suggestion
from vocabulary.people import User

SEARCHED = 16  # neighbours fetched once for every field
NEIGHBOUR_FIELDS = ("segment", "touchpoint")


def suggestions(
    insights: Insights,
    repo: InsightRepository,
    actor: User | None,
    insight: Insight,
    stage: StageSuggestion | None,
    today: date | None = None,
) -> list[Suggestion]:
    """Suggestions for the empty fields of `insight` (a field it already holds gets none; a
    tag it carries is not suggested again), in the order a form shows them."""
    hits = [h for h in insights.search(insight.text, k=SEARCHED + 1) if h.insight_id != insight.id]
    found: list[Suggestion] = []
    if actor is not None and actor.team and not insight.team:
        found.append(Suggestion(field="team", value=actor.team, reason="account"))
    if not insight.observed_at:
        day = today or date.today()
        found.append(Suggestion(field="observed_at", value=day.isoformat(), reason="today"))
    if not insight.sentiment:
        sentiment = sentiment_suggestion(insight.text, hits)
        if sentiment is not None:
            found.append(sentiment)
    if stage is not None:
        found.append(
            Suggestion(
                field="journey_stage",
                value=stage.stage,
                reason="neighbours",
                neighbours=stage.neighbours,
                of=stage.of,
            )
        )
    for field in NEIGHBOUR_FIELDS:
        if getattr(insight, field):
            continue
        agreed = rules.agreed(hits, field)
        if agreed is not None:
            value, near, of = agreed
            found.append(_from_neighbours(field, value, near, of))
    if not insight.segment and actor is not None:
        usual = usual_value(repo, actor.username, "segment", exclude=insight.id)
        if usual is not None and all(s.value != usual.value for s in found):
            found.append(usual)
    for tag, near, of in rules.agreed_tags(hits):
        if tag not in insight.tags:
            found.append(_from_neighbours("tags", tag, near, of))
    return found


def sentiment_suggestion(text: str, hits: list[Hit]) -> Suggestion | None:
    """The sentiment the two nearest insights on the subject agree on, unless the note's own
    words say otherwise (then none); "negative" only when the note's own words report a
    problem. Neighbours share a subject, not a tone: where most notes on a subject are
    complaints, a neutral measurement or a compliment on it was otherwise called a complaint.
    benchmarks/eval_suggestions.py, demo insights (leave one out): right 88 % of the 32 % given
    (held back; 81 % of 53 % without the last condition); banking77 99 % of 74 %."""
    agreed = rules.agreed(hits, "sentiment")
    if agreed is None:
        return None
    value, near, of = agreed
    words = rules.sentiment_from_words(text)
    if words is not None and words[0] != value:
        return None
    if value == "negative" and words is None:
        return None
    found = _from_neighbours("sentiment", value, near, of)
    return found.model_copy(update={"words": words[1] if words else []})


def usual_value(
    repo: InsightRepository, username: str, field: str, exclude: int | None = None
) -> Suggestion | None:
    """The value of `field` most of an account's earlier insights carry (at least two of them,
    and more than any other value), with a few of those insights as the evidence."""
    rows = [(i, v) for i, v in repo.values_of_account(username, field) if i != exclude]
    counts = Counter(v for _i, v in rows).most_common(2)
    if not counts or counts[0][1] < 2 or (len(counts) > 1 and counts[1][1] == counts[0][1]):
        return None
    value, _count = counts[0]
    return Suggestion(
        field=field,
        value=str(value),
        reason="usual",
        neighbours=[i for i, v in rows if v == value][:3],
        of=len(rows),
    )


def _from_neighbours(field: str, value: str, near: list[Hit], of: int) -> Suggestion:
    return Suggestion(
        field=field,
        value=value,
        reason="neighbours",
        neighbours=[h.insight_id for h in near],
        of=of,
    )


def applied(insight: Insight, suggestion: Suggestion) -> dict:
    """The fields of `insight` (as an InsightIn takes them) with `suggestion` accepted."""
    from vocabulary.knowledge import InsightIn

    data = insight.model_dump(include=set(InsightIn.model_fields))
    if suggestion.field == "tags":
        data["tags"] = [*insight.tags, suggestion.value]
    elif suggestion.field == "observed_at":
        data["observed_at"] = date.fromisoformat(suggestion.value)
    else:
        data[suggestion.field] = suggestion.value
    return data
