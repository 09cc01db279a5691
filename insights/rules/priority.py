"""The backlog's explainable priority: every term of the formula is shown to people as
"why this rank"; sorting and narrowing of questions already read."""

from __future__ import annotations

import math
from datetime import date

from vocabulary.backlog import PriorityPart, Question, QuestionStatus

# The priority formula. Every term is shown to people as "why this rank".
VOTE_WEIGHT = 1.0  # x ln(1 + votes): the tenth vote adds less than the second
TEAM_WEIGHT = 0.75  # x (distinct voting teams - 1): interest across teams rises faster
IMPACT_WEIGHT = 1.0  # x impact 1..5
EFFORT_WEIGHT = -0.6  # x effort 1..5
URGENCY_WEIGHT = 2.0  # x (1 - days to decision / 90), 0 when 90+ days away or no date
KNOWN_WEIGHT = -3.0  # x confidence 0..1 from confirmed evidence
URGENCY_HORIZON_DAYS = 90
RELATION_WEIGHT = {"answers": 1.0, "supports": 0.6, "contradicts": 0.3}


def confidence(relations: list[str]) -> float:
    """How much is already known, 0..1, from the relations of confirmed evidence."""
    mass = sum(RELATION_WEIGHT.get(r, 0.0) for r in relations)
    return 1 - math.exp(-0.5 * mass)


def prioritise(question: Question, relations: list[str], today: date) -> Question:
    """Fill in a freshly read question's priority and its explanation, term by term."""
    known = confidence(relations)
    days = (question.decision_date - today).days if question.decision_date else None
    urgency = 0.0 if days is None else max(0.0, min(1.0, 1 - days / URGENCY_HORIZON_DAYS))
    teams = len(question.teams)
    parts = [
        (
            "votes",
            question.votes,
            VOTE_WEIGHT * math.log1p(question.votes),
            f"{VOTE_WEIGHT} x ln(1 + votes)",
        ),
        ("teams", teams, TEAM_WEIGHT * max(teams - 1, 0), f"{TEAM_WEIGHT} x (distinct teams - 1)"),
        ("impact", question.impact, IMPACT_WEIGHT * question.impact, f"{IMPACT_WEIGHT} x impact"),
        ("effort", question.effort, EFFORT_WEIGHT * question.effort, f"{EFFORT_WEIGHT} x effort"),
        (
            "urgency",
            urgency,
            URGENCY_WEIGHT * urgency,
            f"{URGENCY_WEIGHT} x (1 - days to decision / {URGENCY_HORIZON_DAYS})"
            + (f"; {days} days" if days is not None else "; no decision date"),
        ),
        (
            "already known",
            round(known, 3),
            KNOWN_WEIGHT * known,
            f"{KNOWN_WEIGHT} x confidence from {len(relations)} confirmed insights",
        ),
    ]
    explanation = [
        PriorityPart(name=n, value=float(v), contribution=round(c, 3) + 0.0, rule=r)
        for n, v, c, r in parts
    ]
    # Filled in place: the question was just read, and copying 10,000 models costs more
    # than the whole formula.
    question.priority = round(sum(p.contribution for p in explanation), 3)
    question.confidence = known
    question.explanation = explanation
    return question


def signed(value: float) -> str:
    """A term of "why this rank" with its sign, two decimals; one that rounds to nothing reads
    0.00 (never "-0.00")."""
    text = f"{value:+.2f}"
    return "0.00" if float(text) == 0 else text


def rank_key(question: Question) -> tuple:
    """Priority first; ties go to more votes, then the older question, then the lower id."""
    return (-question.priority, -question.votes, question.created_at, question.id)


SORTS = {
    "priority": rank_key,
    "newest": lambda q: (-q.created_at.timestamp(), -q.id),
    "votes": lambda q: (-q.votes, *rank_key(q)),
}


def narrow(
    questions: list[Question],
    status: str | None = None,
    sort: str = "priority",
    team: str | None = None,
    tag: str | None = None,
    segment: str | None = None,
) -> list[Question]:
    """Filter and sort questions already read (a page narrows one read several ways)."""
    found = [
        q
        for q in questions
        if (status is None or q.status == status)
        and (team is None or q.team == team or team in q.teams)
        and (tag is None or tag in q.tags)
        and (segment is None or segment in q.segments)
    ]
    return sorted(found, key=SORTS[sort])


def with_new_evidence(questions: list[Question]) -> list[Question]:
    """Open or in-research questions with suggested evidence nobody has reviewed yet."""
    active = (QuestionStatus.open, QuestionStatus.in_research)
    return [q for q in questions if q.new_evidence and q.status in active]
