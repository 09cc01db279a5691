"""A backlog question's rank in the person's language: why it ranks where it does (the terms
of its priority, insights/rules/priority.py), its row in a ranked list and its vote button (the
Backlog and the team lead's view share them)."""

from datetime import date

import pandas as pd
import streamlit as st

from insights.rules import priority as formula
from language.text import escape_markdown
from views.common import attempt, kb, person, team
from views.i18n import N_, STATUS_NAMES, _, named, ui
from vocabulary.backlog import QuestionStatus

# The terms of the priority ("why this rank") as people read them.
PART_NAMES = {
    "votes": N_("votes"),
    "teams": N_("teams"),
    "impact": N_("impact"),
    "effort": N_("effort"),
    "urgency": N_("urgency"),
    "already known": N_("already known"),
}


def signed(value: float) -> str:
    """A term of "why this rank" with its sign, two decimals (never "-0.00")."""
    text = ui().number(value, 2)
    return "+" + text if round(value, 2) > 0 else text


def part_name(name: str) -> str:
    """A term of the priority by its name in the person's language."""
    return named(PART_NAMES)(name)


def rule(part: str, question, confirmed: int) -> str:
    """How a term of the priority is computed, in the person's language."""
    words = ui()
    if part == "votes":
        return _("{weight} x ln(1 + votes)", weight=words.number(formula.VOTE_WEIGHT, 1))
    if part == "teams":
        return _("{weight} x (distinct teams - 1)", weight=words.number(formula.TEAM_WEIGHT, 2))
    if part == "impact":
        return _("{weight} x impact", weight=words.number(formula.IMPACT_WEIGHT, 1))
    if part == "effort":
        return _("{weight} x effort", weight=words.number(formula.EFFORT_WEIGHT, 1))
    if part == "urgency":
        weights = {
            "weight": words.number(formula.URGENCY_WEIGHT, 1),
            "horizon": formula.URGENCY_HORIZON_DAYS,
        }
        if question.decision_date is None:
            return _("{weight} x (1 - days to decision / {horizon}); no decision date", **weights)
        days = (question.decision_date - date.today()).days
        return words.plural(
            "{weight} x (1 - days to decision / {horizon}); {count} day",
            "{weight} x (1 - days to decision / {horizon}); {count} days",
            days,
            **weights,
        )
    return words.plural(
        "{weight} x confidence from {count} confirmed insight",
        "{weight} x confidence from {count} confirmed insights",
        confirmed,
        weight=words.number(formula.KNOWN_WEIGHT, 1),
    )


def why(question, confirmed: int) -> None:
    """The priority term by term: what each is, its value, what it adds and how."""
    words = ui()
    part, value, adds, how = _("part"), _("value"), _("adds"), _("rule")
    rows = [
        {
            part: part_name(p.name),
            value: words.number(p.value),
            adds: signed(p.contribution),
            how: rule(p.name, question, confirmed),
        }
        for p in question.explanation
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    st.caption(
        _("Priority = sum of the parts = {priority}", priority=words.number(question.priority, 2))
    )


def votes_text(count: int) -> str:
    """ "3 votes" in the person's language."""
    return ui().plural("{count} vote", "{count} votes", count)


def vote_button(question, key: str, mine: bool | None = None) -> None:
    """Vote or take one's vote back; the count is shown beside the question, not on the button
    (a label carrying the count once left a stale "Vote (0)" beside the new "Unvote (1)")."""
    me = person()
    mine = me in question.voters if mine is None else mine
    closed = question.status in (QuestionStatus.answered, QuestionStatus.dropped)
    clicked = st.button(
        _("Unvote") if mine else _("Vote"),
        key=key,
        disabled=closed,
        type="primary" if mine else "secondary",
        help=_("Closed questions take no votes") if closed else None,
    )
    if clicked and attempt(kb().backlog.vote, question.id, me, on=not mine, team=team()):
        st.session_state.pop("backlog_similar", None)
        st.rerun()


def question_row(question, rank: int, mine: bool) -> None:
    """A question of a ranked list: its rank and text, its facts, why it ranks there, a vote
    button and a link that opens it."""
    words = ui()
    with st.container(border=True):
        left, right = st.columns([6, 1])
        left.markdown(f"**{rank}. {escape_markdown(question.text)}**")
        extra = (
            " · :blue-badge["
            + _("{count} may answer", count=words.number(question.new_evidence))
            + "]"
            if question.new_evidence
            else ""
        )
        votes = votes_text(question.votes)
        if question.teams:
            votes = _("{votes} from {teams}", votes=votes, teams=", ".join(question.teams))
        facts = [
            named(STATUS_NAMES)(question.status).lower(),
            _("priority {priority}", priority=words.number(question.priority, 2)),
            votes,
            _("impact {impact}", impact=question.impact),
            _("effort {effort}", effort=question.effort),
            question.team or "",
        ]
        left.markdown(escape_markdown(" · ".join(f for f in facts if f)) + extra)
        terms = " · ".join(
            part_name(p.name) + " " + signed(p.contribution) for p in question.explanation
        )
        left.caption(_("Why this rank: {terms}", terms=escape_markdown(terms)))
        with right:
            vote_button(question, f"vote{question.id}", mine=mine)
            st.page_link(
                "views/backlog.py", label=_("Open"), query_params={"question": str(question.id)}
            )
