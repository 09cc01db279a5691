"""Why a backlog question ranks where it does, in the person's language: the terms of its
priority (insights/rules/priority.py), each with its value, what it adds and how."""

from datetime import date

import pandas as pd
import streamlit as st

from insights.rules import priority as formula
from views.i18n import N_, _, named, ui

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
